import ArgumentParser
import Foundation
import Logging
import Offload
import ServiceLifecycle

/// The entry point of a worker executable: parse the flags, open the store, run until stopped.
///
/// A worker executable is a few lines:
/// ```swift
/// @main struct Main {
///     static func main() async {
///         let registry = TaskRegistry()
///         registry.register(SendEmail.self)
///         await WorkerCommand.main(registry: registry) { database in try SQLiteTaskStore(path: database) }
///     }
/// }
/// ```
/// The process exits 0 after a graceful stop, 64 for bad flags, 78 for an invalid database setting,
/// 69 when the database cannot be opened (see ``WorkerExitCode``); the last line on standard error
/// says why.
public enum WorkerCommand {
    public static func main(
        registry: TaskRegistry,
        arguments: [String] = Array(CommandLine.arguments.dropFirst()),
        makeStore: @Sendable (String) async throws -> any TaskStore
    ) async -> Never {
        // A write to the status pipe of a dead supervisor must fail with EPIPE, not kill us.
        signal(SIGPIPE, SIG_IGN)
        Lifeline.arm()

        let options: WorkerOptions
        let configuration: WorkerConfiguration
        do {
            options = try WorkerOptions.parse(arguments)
            configuration = try options.configuration()
        } catch {
            let code = WorkerOptions.exitCode(for: error)
            if code == .success {
                print(WorkerOptions.fullMessage(for: error))
                exit(0)
            }
            StandardError.write(WorkerOptions.fullMessage(for: error) + "\n")
            exitForStartupError(WorkerOptions.message(for: error), status: WorkerExitCode.usage)
        }

        if options.describeTasks {
            do {
                print(try TaskDescription(registry: registry).json())
                exit(WorkerExitCode.success)
            } catch {
                exitForStartupError("cannot describe the registered tasks: \(error)", status: 1)
            }
        }

        let logLevel = Logger.Level(rawValue: options.logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = logLevel
            return handler
        }
        let logger = Logger(label: "offload.worker")

        let store: any TaskStore
        do {
            store = try await makeStore(options.databasePath)
        } catch let error as OffloadError where error.code == .invalidConfiguration {
            exitForStartupError("the task database setting is invalid: \(error)", status: WorkerExitCode.configurationError)
        } catch {
            exitForStartupError("cannot open the task database: \(error)", status: WorkerExitCode.databaseUnavailable)
        }
        await serve(store, registry: registry, configuration: configuration, logger: logger)
    }

    /// Ends start-up with one line a supervisor quotes when it reports the failure: the status, what it
    /// means, and the message.
    private static func exitForStartupError(_ message: String, status: Int32) -> Never {
        StandardError.write("offload worker: exiting with status \(status) (\(WorkerExitCode.meaning(of: status) ?? "error")): \(message)\n")
        exit(status)
    }

    /// Runs the worker until it is stopped; generic so the claim loop calls the concrete store directly.
    private static func serve<Store: TaskStore>(_ store: Store, registry: TaskRegistry, configuration: WorkerConfiguration, logger: Logger) async -> Never {
        let worker = Worker(store: store, registry: registry, configuration: configuration, logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: worker, successTerminationBehavior: .gracefullyShutdownGroup)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        do {
            try await group.run()
            exit(WorkerExitCode.success)
        } catch {
            logger.error("worker failed: \(error)")
            exit(1)
        }
    }
}
