import ArgumentParser
import Foundation
import Offload

/// `offload enqueue NAME --args JSON`: enqueue a task by name, as the app would.
struct EnqueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enqueue",
        abstract: "Enqueue a task by name with JSON arguments.",
        discussion: "Example: offload enqueue ExampleWorker.SendEmail --queue email --args '{\"recipient\":\"ada@example.com\",\"subject\":\"Hi\",\"message\":\"Hello\"}'")

    @OptionGroup var database: DatabaseOptions

    @Argument(help: "The task's name, as its worker registers it.")
    var name: String

    @Option(name: .long, help: "The arguments, a JSON object.")
    var args: String = "{}"

    @Option(name: .long, help: "Queue name.")
    var queue: String = TaskOptions.defaultQueueName

    @Option(name: .long, help: "Priority, -100 to 100; higher runs first.")
    var priority: Int = 0

    @Option(name: .long, help: "Seconds from now before the task may start.")
    var delay: Double?

    @Option(name: .long, help: "Total attempts, the first included.")
    var maxAttempts: Int = 1

    @Option(name: .long, help: "Seconds after which an attempt is cancelled.")
    var timeout: Double?

    func validate() throws {
        guard TaskJSON.isObject(args) else {
            throw ValidationError("--args must be a JSON object such as '{\"user_id\": 42}', not: \(TerminalSafe.escape(args))")
        }
        _ = try request()
    }

    func run() async throws {
        let record = try await database.openOrCreateStore().enqueue(try request())
        print(record.id)
    }

    /// The request the flags describe, checked as every enqueue path checks it; a typed-in number that is
    /// not finite or is absurdly large is a usage error here, never a trap later.
    private func request() throws -> TaskRequest {
        var timeoutDuration: Duration?
        if let timeout {
            guard let checked = Duration(checkedSeconds: timeout), checked > .zero else {
                throw ValidationError("--timeout \(timeout): give a positive number of seconds, at most 100 years.")
            }
            timeoutDuration = checked
        }
        var runAfter: Date?
        if let delay {
            guard let checked = Duration(checkedSeconds: delay) else {
                throw ValidationError("--delay \(delay): give a finite number of seconds, at most 100 years either way.")
            }
            runAfter = Date().addingTimeInterval(checked.seconds)
        }
        let request = TaskRequest(
            taskName: name, queueName: queue, priority: priority, arguments: args,
            runAfter: runAfter, retry: .exponential(maxAttempts: maxAttempts), timeout: timeoutDuration)
        do {
            try request.validate()
        } catch {
            throw ValidationError(error.description)
        }
        return request
    }
}
