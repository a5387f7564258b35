import ArgumentParser
import Foundation
import Offload

/// `offload schedules`: each periodic task with its schedule, last run (and that task's status) and next run.
struct SchedulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedules",
        abstract: "List the periodic tasks the supervisors run, with their last and next run.",
        discussion: "A schedule appears once a supervisor running it has started. LAST is the last slot enqueued, with that task's id and status now.")

    @OptionGroup var database: DatabaseOptions

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func run() async throws {
        let states = try await database.openStore().scheduleStates()
        if json {
            print(try RecordFormatting.json(states))
            return
        }
        print(SchedulesTable.render(states))
    }
}

enum SchedulesTable {
    static func render(_ states: [ScheduleState]) -> String {
        let pad = RecordFormatting.pad
        var lines = [[pad("SCHEDULE", 20), pad("TASK", 24), pad("WHEN", 28), pad("LAST RUN", 45), "NEXT RUN"].joined(separator: " ")]
        for state in states {
            let last: String = if let slot = state.lastSlot {
                "\(RecordFormatting.timestamp(slot)) #\(state.lastTaskID.map { "\($0)" } ?? "?") \(state.lastStatus?.rawValue ?? "(pruned)")"
            } else {
                "never"
            }
            lines.append([
                pad(RecordFormatting.text(state.name), 20), pad(RecordFormatting.text(state.taskName), 24),
                pad(RecordFormatting.text(state.summary.isEmpty ? "?" : state.summary), 28), pad(last, 45),
                state.nextTime.map { RecordFormatting.timestamp($0) } ?? "-",
            ].joined(separator: " "))
        }
        if states.isEmpty { lines.append("(no schedules: none is declared, or no supervisor running one has started)") }
        return lines.joined(separator: "\n")
    }
}
