import Foundation
import Logging
import Offload
import OffloadWorker

/// Asks the worker executable which tasks it registers (`worker --describe-tasks`), so that the queues
/// the tasks declare are served without being written again in `--queues`.
///
/// Run before the first workers start and, in development mode, before each new generation. A worker
/// too old to know the flag (it exits 64) is served the configured queues, with a warning.
enum QueueDiscovery {
    /// How long a worker gets to describe itself; it only prints its registry, so this is generous.
    static let timeout: Duration = .seconds(30)

    /// The worker's whole description (its tasks' queues and schedules), or `nil` when it cannot describe its
    /// tasks: then only the configured queues are served, and the log says why (a warning for a worker too old to
    /// know the flag, an error for one that fails, hangs or prints something else; the failure shows again when it
    /// runs as a worker).
    static func describeTasks(of executable: String, environment: [String: String], workingDirectory: String?, logger: Logger) async -> TaskDescription? {
        var spawn = SpawnRequest(executable: executable, arguments: [TaskDescription.flag])
        spawn.environment = environment
        spawn.workingDirectory = workingDirectory
        let request = spawn
        let fallback = "only the configured queues are served"
        let run: (status: ExitStatus, output: [OutputLine])?
        do {
            run = try await withThrowingTaskGroup(of: (status: ExitStatus, output: [OutputLine])?.self) { group in
                // SIGKILL on time-out: a worker that hangs here may ignore SIGINT too.
                group.addTask { try await runToCompletion(request, cancellationSignal: SIGKILL) }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                return try await group.next() ?? nil
            }
        } catch {
            logger.error("cannot run the worker \(executable) \(TaskDescription.flag): \(error); \(fallback)")
            return nil
        }
        guard let run else {
            logger.error("the worker \(executable) did not describe its tasks (\(TaskDescription.flag)) within \(timeout.formatted) and was killed; \(fallback). Does its main() do slow work before WorkerCommand.main?")
            return nil
        }
        let standardOutput = run.output.filter { $0.stream == .standardOutput }.map(\.text).joined(separator: "\n")
        let standardError = run.output.filter { $0.stream == .standardError }.map(\.text).suffix(5).joined(separator: " | ")
        if run.status == .exited(WorkerExitCode.usage) {
            logger.warning("the worker \(executable) does not know \(TaskDescription.flag) (exit 64: built with an older Offload?), so \(fallback); rebuild it with this Offload version to serve the queues its tasks declare")
            return nil
        }
        guard run.status.isSuccess else {
            logger.error("the worker \(executable) failed to describe its tasks (\(TaskDescription.flag)): it \(run.status); \(fallback). Its last error lines: \(standardError.isEmpty ? "(none)" : standardError)")
            return nil
        }
        do {
            let description = try TaskDescription.parse(standardOutput)
            logger.info("the worker registers \(description.tasks.count) task(s): \(description.tasks.map { "\($0.name) (queue \($0.queueName))" }.joined(separator: ", "))")
            return description
        } catch {
            logger.error("the worker \(executable) printed something other than a task description for \(TaskDescription.flag): \(error); \(fallback). First output: \(String(standardOutput.prefix(200)))")
            return nil
        }
    }

    /// Completes `configuration.queues` from what the worker declares, logs which queues are served and why,
    /// and checks that per-queue worker counts name known queues.
    ///
    /// - Throws: ``ConfigurationError`` for a worker count on an unknown queue.
    static func resolve(_ configuration: SupervisorConfiguration, logger: Logger) async throws -> (SupervisorConfiguration, declared: [String]?, description: TaskDescription?) {
        guard let plan = configuration.queuePlan else { return (configuration, nil, nil) }
        let description = await describeTasks(
            of: configuration.workerExecutable, environment: environment(for: configuration),
            workingDirectory: configuration.workingDirectory, logger: logger)
        let declared = description?.queues
        let served = plan.resolve(declared: declared)
        try plan.checkWorkerCounts(configuration.workerCounts, served: served.map(\.queue), declared: declared)
        var resolved = configuration
        resolved.queues = served.map(\.queue)
        for (queue, origin) in served {
            logger.notice("serving queue \(queue): \(origin)")
        }
        if let declared, !plan.servesDeclaredQueues {
            let ignored = declared.filter { !resolved.queues.contains($0) }
            if !ignored.isEmpty {
                logger.notice("not serving the declared queue(s) \(ignored.joined(separator: ", ")): --queue-name lists only \(resolved.queues.joined(separator: ", "))")
            }
        }
        return (resolved, declared, description)
    }

    /// The environment a worker gets, without the supervisor's own systemd variables: a worker's `main`
    /// may read its settings before it parses its flags.
    static func environment(for configuration: SupervisorConfiguration) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { !WorkerProcessContract.supervisorOnlyVariables.contains($0.key) }
        for (key, value) in configuration.workerEnvironment { environment[key] = value }
        return environment
    }
}
