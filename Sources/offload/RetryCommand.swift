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
        print("task \(record.id) (\(record.taskName)) is \(record.status) again; \(record.retry.maxAttempts - record.attempts) attempt(s) left")
    }
}
