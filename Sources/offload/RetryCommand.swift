import ArgumentParser
import Foundation
import Offload

/// `offload retry ID`: put a FAILED task back in its queue with a fresh set of attempts.
struct RetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "retry", abstract: "Retry a failed task.")

    @OptionGroup var database: DatabaseOptions

    @Argument(help: "The failed task's result id.")
    var id: Int64

    func run() async throws {
        let record = try await database.openStore().retry(id: TaskResultID(id), at: Date())
        // Stored numbers may be anything: subtract without trapping.
        let (left, overflow) = record.retry.maxAttempts.subtractingReportingOverflow(record.attempts)
        print("task \(record.id) (\(RecordFormatting.text(record.taskName))) is \(record.status) again; \(overflow ? "?" : String(left)) attempt(s) left")
    }
}
