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

    func run() async throws {
        guard TaskJSON.isObject(args) else {
            throw ValidationError("--args must be a JSON object such as '{\"user_id\": 42}', not: \(args)")
        }
        var options = TaskOptions(queueName: queue, priority: priority, retry: .exponential(maxAttempts: maxAttempts))
        options.timeout = timeout.map { .milliseconds(Int64($0 * 1000)) }
        do {
            try options.validate(taskName: name)
        } catch {
            throw ValidationError(error.description)
        }
        let request = TaskRequest(
            taskName: name, queueName: queue, priority: priority, arguments: args,
            runAfter: delay.map { Date().addingTimeInterval($0) }, retry: options.retry, timeout: options.timeout)
        let record = try await database.openStore().enqueue(request)
        print(record.id)
    }
}
