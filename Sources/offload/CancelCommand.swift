import ArgumentParser
import Foundation
import Offload

/// `offload cancel ID…` or `offload cancel --queue Q --task N --status S`: cancel tasks.
struct CancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel tasks by id, or every task matching a filter.",
        discussion: """
            A PENDING or delayed task becomes CANCELLED at once and never runs. A RUNNING task is marked: its worker \
            cancels it within about a second, and the supervisor kills that worker if the task ignores cancellation \
            for its timeout-grace; it ends CANCELLED either way. Finished tasks are left as they are.
            Exit status: 0 when every task named was cancelled (or its cancellation asked for), 1 when some \
            were already finished or already being cancelled (nothing changed for those), 66 when an id names no task, \
            64 for a usage error (no id and no filter without --all, say).
            """)

    @OptionGroup var database: DatabaseOptions

    @Argument(help: "Result ids of the tasks to cancel.")
    var ids: [Int64] = []

    @Option(name: .long, help: "Only tasks of this queue.")
    var queue: String?

    @Option(name: .long, help: "Only tasks with this task name.")
    var task: String?

    @Option(name: .long, help: "Only tasks in this status: PENDING or RUNNING (repeatable). Default: both.")
    var status: [String] = []

    @Flag(name: .long, help: "Cancel every pending and running task when no filter is given.")
    var all = false

    @Flag(name: .long, help: "Only list what would be cancelled.")
    var dryRun = false

    @Option(name: .long, help: "Who cancels, recorded with each task. Default: user@host.")
    var by: String?

    /// Some tasks were not changed (already finished, or already being cancelled).
    static let someUnchanged: Int32 = 1

    var hasFilter: Bool { queue != nil || task != nil || !status.isEmpty }

    func validate() throws {
        if !ids.isEmpty, hasFilter || all {
            throw ValidationError("Give task ids, or a filter (--queue, --task, --status, --all), not both.")
        }
        if ids.isEmpty, !hasFilter, !all {
            throw ValidationError("Nothing to cancel: give task ids, or a filter (--queue, --task, --status); --all cancels every pending and running task.")
        }
        for value in status {
            guard let parsed = TaskStatus(rawValue: value.uppercased()), !parsed.isFinished else {
                throw ValidationError("--status \(value): only PENDING and RUNNING tasks can be cancelled.")
            }
        }
        if let by, by.isEmpty || by.contains(where: \.isNewline) {
            throw ValidationError("--by: give a name on one line.")
        }
    }

    func run() async throws {
        let store = try await database.openStore()
        let targets: [TaskResultID]
        if ids.isEmpty {
            targets = try await matchingIDs(in: store)
        } else {
            targets = ids.map(TaskResultID.init(rawValue:))
        }
        if dryRun {
            for id in targets { print("would cancel \(id)") }
            print("would cancel \(targets.count) task(s)")
            return
        }
        let canceller = by ?? Self.defaultCanceller
        let results = try await store.cancel(targets, by: canceller, at: Date())
        for result in results { print(Self.line(for: result)) }
        if results.contains(where: { $0.effect == .notFound }) { throw ExitCode(DatabaseOptions.noInput) }
        if results.contains(where: { !$0.changedTask }) { throw ExitCode(Self.someUnchanged) }
    }

    /// Every pending and/or running task the filter matches, oldest first.
    private func matchingIDs(in store: any TaskStore) async throws -> [TaskResultID] {
        let statuses: [TaskStatus] = status.isEmpty ? [.pending, .running] : status.compactMap { TaskStatus(rawValue: $0.uppercased()) }
        var found: Set<TaskResultID> = []
        for status in statuses {
            let records = try await store.records(matching: TaskFilter(status: status, queueName: queue, taskName: task, limit: Int(Int32.max)))
            found.formUnion(records.map(\.id))
        }
        return found.sorted()
    }

    static func line(for result: TaskCancellation) -> String {
        let name = result.taskName.map { " (\(RecordFormatting.text($0)))" } ?? ""
        switch result.effect {
        case .cancelled: return "task \(result.id)\(name) cancelled"
        case .requested: return "task \(result.id)\(name) is running: its worker has been asked to cancel it"
        case .alreadyRequested: return "task \(result.id)\(name) is already being cancelled; nothing changed"
        case .alreadyFinished: return "task \(result.id)\(name) is \(result.previousStatus?.rawValue ?? "unreadable"), already finished; nothing changed"
        case .notFound: return "task \(result.id): no such task"
        }
    }

    static var defaultCanceller: String {
        let user = ProcessInfo.processInfo.environment["USER"] ?? String(getuid())
        return "\(user)@\(ProcessInfo.processInfo.hostName) (offload cancel)"
    }
}
