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

    @Option(name: .long, help: "Queue name. Default: the one the task declares (with --worker), else \"default\".")
    var queue: String?

    @Option(name: .long, help: "Priority, -100 to 100; higher runs first. Default: the task's declared one, else 0.")
    var priority: Int?

    @Option(name: .long, help: "Seconds from now before the task may start.")
    var delay: Double?

    @Option(name: .long, help: "Total attempts, the first included. Default: the task's declared retry policy, else 1.")
    var maxAttempts: Int?

    @Option(name: .long, help: "Seconds after which an attempt is cancelled. Default: the task's declared timeout, else none.")
    var timeout: Double?

    @Option(name: .long, help: "The worker executable whose tasks' declared options apply (it is run with --describe-tasks). Default: $OFFLOAD_WORKER, as for the supervisor.")
    var worker: String?

    func validate() throws {
        guard TaskJSON.isObject(args) else {
            throw ValidationError("--args must be a JSON object such as '{\"user_id\": 42}', not: \(TerminalSafe.escape(args))")
        }
        _ = try request(declared: nil)
    }

    func run() async throws {
        let request = try request(declared: try declaredOptions())
        let record = try await database.openOrCreateStore().enqueue(request)
        print(record.id)
    }

    /// The options `name` declares in the worker, so the CLI enqueues as `Task.enqueue` does. Without a worker
    /// it says so, once, on standard error: the defaults then apply, which may not be what the task declares.
    private func declaredOptions() throws -> TaskOptions? {
        let environment = ProcessInfo.processInfo.environment
        guard let worker = worker ?? environment["OFFLOAD_WORKER"].flatMap({ $0.isEmpty ? nil : $0 }) else {
            StandardErrorLine.write("offload: no worker named (--worker or $OFFLOAD_WORKER), so \(TerminalSafe.escape(name)) is enqueued with the flags' options and otherwise the defaults (queue default, priority 0, 1 attempt, no timeout), not the options its task declares.")
            return nil
        }
        let description: TaskDescription
        do {
            description = try WorkerDeclarations.read(from: worker)
        } catch {
            throw ValidationError(TerminalSafe.escape("\(error)"))
        }
        guard let declaration = description.tasks.first(where: { $0.name == name }) else {
            let names = description.tasks.map(\.name).sorted()
            throw ValidationError(TerminalSafe.escape("the worker \(worker) declares no task named \(name); it declares: \(names.isEmpty ? "none" : names.joined(separator: ", ")). A task its worker does not register would fail when claimed."))
        }
        return declaration.options
    }

    /// The request the flags describe, checked as every enqueue path checks it; a typed-in number that is
    /// not finite or is absurdly large is a usage error here, never a trap later.
    private func request(declared: TaskOptions?) throws -> TaskRequest {
        let base = declared ?? TaskOptions()
        var timeoutDuration = base.timeout
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
            taskName: name, queueName: queue ?? base.queueName, priority: priority ?? base.priority, backend: base.backend,
            arguments: args, runAfter: runAfter, retry: maxAttempts.map { .exponential(maxAttempts: $0) } ?? base.retry,
            timeout: timeoutDuration)
        do {
            try request.validate()
        } catch {
            throw ValidationError(error.description)
        }
        return request
    }
}
