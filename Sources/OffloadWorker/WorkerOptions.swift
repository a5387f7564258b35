import ArgumentParser
import Foundation
import Logging
import Offload

/// The flags every worker executable accepts, as Django's `db_worker`.
public struct WorkerOptions: ParsableArguments {
    @Option(name: .long, help: "Queues to serve: \"*\" for all, or a comma-separated list.")
    public var queueName: String = TaskOptions.defaultQueueName

    @Option(name: .long, help: "The task database (a SQLite file path, or a URL for other stores). Default: $OFFLOAD_DATABASE or offload.sqlite3.")
    public var database: String?

    @Option(name: .long, help: "Tasks run at once in this process.")
    public var concurrency: Int = 1

    @Option(name: .long, help: "Identifier recorded with each attempt. Default: host:pid.")
    public var workerID: String?

    @Option(name: .long, help: "Exit after this many attempts (the supervisor then starts a fresh worker).")
    public var maxTasks: Int?

    @Flag(name: .long, help: "Run the tasks that are ready, then exit.")
    public var batch: Bool = false

    @Option(name: .long, help: "Seconds running tasks get to finish after SIGTERM/SIGINT.")
    public var gracefulTimeout: Double = 30

    @Option(name: .long, help: "Seconds between heartbeats.")
    public var heartbeatInterval: Double = 1

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    public var logLevel: String = "info"

    @Option(name: .long, help: "Seconds of idleness after start-up before the worker hands its start-up code pages back to the kernel (once); 0: never.")
    public var trimMemoryAfter: Double = StartUpMemoryTrim.defaultDelay.seconds

    @Option(name: .long, help: "Seconds of expected work the worker claims beyond its free slots, judged from how long its tasks have taken; 0: claim only for free slots.")
    public var prefetchBudget: Double = WorkerConfiguration.defaultPrefetchBudget.seconds

    @Flag(name: .long, help: "Print the registered tasks (name, queue, priority, retry, timeout) as JSON and exit, without opening the database. The supervisor reads it to learn which queues exist.")
    public var describeTasks: Bool = false

    public init() {}

    /// The seconds a worker accepts for the options a supervisor passes on. The supervisor checks its settings
    /// against them, so a value no worker would take stops the supervisor at start, not every worker it spawns.
    public enum Limits {
        public static let gracefulTimeout: ClosedRange<Double> = 0...(7 * 86_400)
        public static let heartbeatInterval: ClosedRange<Double> = 0.01...3_600
        public static let trimMemoryAfter: ClosedRange<Double> = 0...(7 * 86_400)
        public static let prefetchBudget: ClosedRange<Double> = 0...3_600

        /// `from 0 (never) to 604800`: a range of seconds as a person would type it.
        public static func text(of range: ClosedRange<Double>, zeroMeaning: String? = nil) -> String {
            let lower = zeroMeaning.map { "\(typed(range.lowerBound)) (\($0))" } ?? typed(range.lowerBound)
            return "from \(lower) to \(typed(range.upperBound))"
        }

        private static func typed(_ seconds: Double) -> String {
            seconds == seconds.rounded() && abs(seconds) < 1e15 ? String(Int64(seconds)) : String(seconds)
        }
    }

    public var databasePath: String {
        database ?? ProcessInfo.processInfo.environment["OFFLOAD_DATABASE"] ?? "offload.sqlite3"
    }

    public func validate() throws {
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1, not \(concurrency).") }
        if let maxTasks, maxTasks < 1 { throw ValidationError("--max-tasks must be at least 1, not \(maxTasks).") }
        // Bounded so that converting them to a Duration cannot overflow, and finite (inf and nan parse as numbers).
        try Self.check(gracefulTimeout, Limits.gracefulTimeout, "--graceful-timeout")
        try Self.check(heartbeatInterval, Limits.heartbeatInterval, "--heartbeat-interval")
        try Self.check(trimMemoryAfter, Limits.trimMemoryAfter, "--trim-memory-after", zeroMeaning: "never")
        try Self.check(prefetchBudget, Limits.prefetchBudget, "--prefetch-budget", zeroMeaning: "no prefetch")
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")), not \(logLevel).")
        }
        do {
            _ = try QueueSelection(parsing: queueName)
        } catch {
            throw ValidationError(error.description)
        }
    }

    static func check(_ value: Double, _ range: ClosedRange<Double>, _ flag: String, zeroMeaning: String? = nil) throws {
        guard !range.contains(value) else { return }
        throw ValidationError("\(flag) must be a number of seconds \(Limits.text(of: range, zeroMeaning: zeroMeaning)), not \(value).")
    }

    public func configuration() throws -> WorkerConfiguration {
        var configuration = WorkerConfiguration(
            workerID: workerID ?? WorkerConfiguration.defaultWorkerID(),
            queues: try QueueSelection(parsing: queueName))
        configuration.concurrency = concurrency
        configuration.maxTasks = maxTasks
        configuration.exitWhenIdle = batch
        configuration.gracefulTimeout = .milliseconds(Int64(gracefulTimeout * 1000))
        configuration.heartbeatInterval = .milliseconds(Int64(heartbeatInterval * 1000))
        configuration.prefetchBudget = .microseconds(Int64(prefetchBudget * 1_000_000))
        configuration.startUpMemoryTrimDelay = trimMemoryAfter > 0 ? .milliseconds(Int64(trimMemoryAfter * 1000)) : nil
        configuration.supervisorID = ProcessInfo.processInfo.environment[WorkerProcessContract.supervisorPIDVariable].map { "\(WorkerConfiguration.hostName()):\($0)" }
        return configuration
    }
}
