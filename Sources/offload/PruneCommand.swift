import ArgumentParser
import Foundation
import Offload

/// `offload prune --age 7`: delete finished results older than a number of days (the spec's maintenance).
struct PruneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Delete finished task results older than --age days.",
        discussion: "Deletes in small chunks so running workers are never stalled for long. Pending and running tasks are never pruned.")

    @OptionGroup var database: DatabaseOptions

    @Option(name: .long, help: "Age in days (decimals allowed) a finished result must exceed.")
    var age: Double

    @Option(name: .long, help: "Only SUCCESSFUL, FAILED or CANCELLED results (repeatable). Default: all three.")
    var status: [String] = []

    @Flag(name: .long, help: "Only count what would be deleted.")
    var dryRun = false

    func validate() throws {
        _ = try ageDuration()
        for value in status {
            guard let parsed = TaskStatus(rawValue: value.uppercased()), parsed.isFinished else {
                throw ValidationError("--status \(value): only finished results can be pruned, so give SUCCESSFUL, FAILED or CANCELLED.")
            }
        }
    }

    func run() async throws {
        let statuses: Set<TaskStatus> = status.isEmpty ? [.successful, .failed, .cancelled] : Set(status.compactMap { TaskStatus(rawValue: $0.uppercased()) })
        let request = PruneRequest(age: try ageDuration(), statuses: statuses, dryRun: dryRun)
        let count = try await database.openStore().prune(request)
        print(dryRun ? "would delete \(count) result(s)" : "deleted \(count) result(s)")
    }

    /// `--age` as a duration: a number of days from 0 to 100 years; NaN, infinity or more would trap.
    private func ageDuration() throws -> Duration {
        guard age >= 0, let duration = Duration(checkedSeconds: age * 86_400) else {
            throw ValidationError("--age \(age): give a number of days from 0 to 36500.")
        }
        return duration
    }
}
