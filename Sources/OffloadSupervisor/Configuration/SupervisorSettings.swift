import Foundation
import Offload
import OffloadWorker

/// Values given on the command line; each one wins over the environment and the configuration file.
public struct SupervisorFlags: Sendable, Equatable {
    public var queueSelection = "*"
    public var database: String?
    public var worker: String?
    public var workerProduct: String?
    public var packagePath: String?
    public var queues: String?
    public var workers: String?
    public var concurrency: Int?
    public var gracefulTimeout: Double?
    public var heartbeatInterval: Double?
    public var heartbeatTimeout: Double?
    public var timeoutGrace: Double?
    public var maxTasksPerWorker: Int?
    public var maxWorkerMemory: Int?
    public var controlSocket: String?
    public var staleWorkerTimeout: Double?
    public var trimMemoryAfter: Double?
    public var prefetchBudget: Double?
    public var reload: Bool?
    public var logColor: String?

    public init() {}
}

/// Where the worker executable comes from.
public enum WorkerSource: Sendable, Equatable {
    /// A path given as is.
    case path(String)
    /// A product of the Swift package at `packagePath`, built with `swift build`.
    case product(String, packagePath: String)
}

/// Everything the `supervisor` command resolved from flags, environment and file.
public struct SupervisorSettings: Sendable {
    public var configuration: SupervisorConfiguration
    public var workerSource: WorkerSource
    /// Development mode: watch the sources and rebuild; `nil` when off.
    public var reload: ReloadSettings?
    /// Whether the control socket was asked for explicitly (then failing to open it is fatal).
    public var controlSocketExplicit: Bool
}

/// What development mode watches and builds.
public struct ReloadSettings: Sendable, Equatable {
    public var packagePath: String
    public var product: String
    public var extraWatchPaths: [String]
    public var extraIgnoredPatterns: [String]
}

extension SupervisorSettings {
    /// Resolves the settings: flag > `OFFLOAD_*` environment > configuration file > built-in default.
    ///
    /// - Throws: ``ConfigurationError`` naming the key, the source and what is wrong.
    public static func resolve(flags: SupervisorFlags, file: ConfigurationFile, environment: [String: String], workingDirectory: String) throws -> SupervisorSettings {
        func absolute(_ path: String, relativeTo base: String = workingDirectory) -> String {
            path.hasPrefix("/") ? path : URL(fileURLWithPath: base).appendingPathComponent(path).standardizedFileURL.path
        }
        let databaseValue = flags.database ?? file.string(for: "database", environment: environment) ?? "offload.sqlite3"
        // A URL (postgres://…) names a server, not a file: leave it as it is.
        let database = databaseValue.contains("://") ? databaseValue : absolute(databaseValue)
        let packagePath = absolute(flags.packagePath ?? workingDirectory)
        let isPackage = FileManager.default.fileExists(atPath: packagePath + "/Package.swift")

        let workerSource: WorkerSource
        if let worker = flags.worker ?? file.string(for: "worker", environment: environment) {
            workerSource = .path(absolute(worker))
        } else if isPackage {
            let product = flags.workerProduct ?? file.string(for: "worker-product", environment: environment) ?? "example-worker"
            workerSource = .product(product, packagePath: packagePath)
        } else {
            throw ConfigurationError(.invalidValue, "No worker executable: give --worker PATH (or `worker =` in the configuration file), or run the supervisor in a Swift package directory so it can build the worker product.")
        }

        let configuredValue = flags.queues.map { ConfigurationValue($0, key: "queues", source: .commandLine(flag: "--queues")) }
            ?? file.configurationValue(for: "queues", environment: environment)
        let configuredQueues = try configuredValue?.list() ?? []
        let servesDeclaredQueues = flags.queueSelection.trimmingCharacters(in: .whitespaces) == "*"
        let selectedQueues = servesDeclaredQueues ? [] : try ConfigurationValue(flags.queueSelection, key: "queue-name", source: .commandLine(flag: "--queue-name")).list()
        var queuePlan = QueuePlan(
            servesDeclaredQueues: servesDeclaredQueues, configured: configuredQueues,
            configuredSource: configuredValue?.source ?? .builtInDefault, selected: selectedQueues)
        // Until the worker has described its tasks: the configured queues, or the default one.
        let queues = queuePlan.resolve(declared: nil).map(\.queue)

        let executable: String = switch workerSource {
        case .path(let path): path
        case .product(let product, let packagePath): packagePath + "/.build/debug/" + product
        }
        var configuration = SupervisorConfiguration(database: database, workerExecutable: executable, queues: queues)
        let countsValue = flags.workers.map { ConfigurationValue($0, key: "workers", source: .commandLine(flag: "--workers")) }
            ?? file.configurationValue(for: "workers", environment: environment)
        if let countsValue {
            switch try countsValue.workerCounts() {
            case .everyQueue(let count): configuration.defaultWorkerCount = count
            case .perQueue(let perQueue):
                configuration.workerCounts = perQueue
                queuePlan.workerCountsSource = countsValue.source
            }
        }
        configuration.queuePlan = queuePlan
        configuration.configuredSchedules = try ConfiguredSchedule.all(in: file)
        // Values passed on to every worker are checked against what a worker accepts: one it would refuse
        // stops the supervisor here (78, or 64 for a flag) instead of failing every worker it spawns.
        func seconds(_ flag: Double?, _ key: String, workersAccept range: ClosedRange<Double>? = nil) throws -> Duration? {
            let text = flag.map { ConfigurationValue(String($0), key: key, source: .commandLine(flag: "--" + key)) }
            let duration = try flag.map { flag throws(ConfigurationError) in try Self.duration(flag: flag, key: key) }
                ?? file.duration(for: key, environment: environment)
            guard let duration, let range, !range.contains(duration.seconds),
                let value = text ?? file.configurationValue(for: key, environment: environment)
            else { return duration }
            throw ConfigurationError.invalidValue(
                value.string, key: key, source: value.source,
                expected: "a number of seconds \(WorkerOptions.Limits.text(of: range)), the range a worker accepts")
        }
        func integer(_ flag: Int?, _ key: String, minimum: Int = 0, maximum: Int = ConfigurationLimits.maximumCount) throws -> Int? {
            if let flag { return try ConfigurationValue(String(flag), key: key, source: .commandLine(flag: "--" + key)).integer(minimum: minimum, maximum: maximum) }
            return try file.integer(for: key, environment: environment, minimum: minimum, maximum: maximum)
        }
        if let value = try integer(flags.concurrency, "concurrency", minimum: 1, maximum: ConfigurationLimits.maximumConcurrency) { configuration.concurrency = value }
        if let value = try seconds(flags.gracefulTimeout, "graceful-timeout", workersAccept: WorkerOptions.Limits.gracefulTimeout) { configuration.gracefulTimeout = value }
        if let value = try seconds(flags.heartbeatInterval, "heartbeat-interval", workersAccept: WorkerOptions.Limits.heartbeatInterval) { configuration.heartbeatInterval = value }
        if let value = try seconds(flags.heartbeatTimeout, "heartbeat-timeout") { configuration.heartbeatTimeout = value }
        if let value = try seconds(flags.timeoutGrace, "timeout-grace") { configuration.timeoutGrace = value }
        if let value = try integer(flags.maxTasksPerWorker, "max-tasks-per-worker"), value > 0 { configuration.maxTasksPerWorker = value }
        if let value = try integer(flags.maxWorkerMemory, "max-worker-memory", maximum: ConfigurationLimits.maximumWorkerMemoryMiB), value > 0 { configuration.maxWorkerMemoryMiB = value }
        if let value = try file.duration(for: "restart-backoff-initial", environment: environment) { configuration.restartBackoffInitial = value }
        if let value = try file.duration(for: "restart-backoff-max", environment: environment) { configuration.restartBackoffMaximum = value }
        if let value = try file.integer(for: "startup-failure-limit", environment: environment, minimum: 1, maximum: ConfigurationLimits.maximumCount) { configuration.startupFailureLimit = value }
        if let value = try seconds(flags.staleWorkerTimeout, "stale-worker-timeout") { configuration.staleWorkerTimeout = value }
        if let value = try seconds(flags.prefetchBudget, "prefetch-budget", workersAccept: WorkerOptions.Limits.prefetchBudget) { configuration.workerPrefetchBudget = value }
        if let value = try seconds(flags.trimMemoryAfter, "trim-memory-after", workersAccept: WorkerOptions.Limits.trimMemoryAfter) { configuration.startUpMemoryTrimDelay = value == .zero ? nil : value }
        // The workers' SQLite commit durability. They read it from OFFLOAD_DURABILITY, so the file's value reaches them
        // as that variable; checked here, so a typo stops the supervisor with 78 before any worker starts.
        if let value = try file.choice(for: "durability", environment: environment, ["full", "normal"]) {
            configuration.workerEnvironment[ConfigurationFile.environmentVariable(for: "durability")] = value
        }
        // Workers record a heartbeat in the registry every 5 s: a shorter timeout would recover live workers' tasks.
        guard configuration.staleWorkerTimeout >= .seconds(10) else {
            throw ConfigurationError(.invalidValue, "stale-worker-timeout (\(configuration.staleWorkerTimeout.formatted)) must be at least 10 s: workers record their heartbeat every 5 s, so a shorter timeout would take tasks from live workers.")
        }
        guard configuration.heartbeatTimeout > configuration.heartbeatInterval else {
            throw ConfigurationError(.invalidValue, "heartbeat-timeout (\(configuration.heartbeatTimeout.formatted)) must be longer than heartbeat-interval (\(configuration.heartbeatInterval.formatted)), or every worker would look hung.")
        }

        let explicitSocket = flags.controlSocket ?? file.string(for: "control-socket", environment: environment)
        configuration.controlSocket = explicitSocket.map { absolute($0) }
            ?? defaultControlSocket(database: database, environment: environment, workingDirectory: workingDirectory)

        let color = try flags.logColor.map { try ConfigurationValue($0, key: "log-color", source: .commandLine(flag: "--log-color")).choice(["auto", "always", "never"]) }
            ?? file.choice(for: "log-color", environment: environment, ["auto", "always", "never"]) ?? "auto"
        configuration.colorOutput = color == "always" || (color == "auto" && ChildOutputPrinter.standardErrorIsTerminal())

        // Development mode: on by default when the worker is built from this package, never under systemd.
        let reloadChoice: String = try flags.reload.map { $0 ? "true" : "false" }
            ?? file.choice(for: "reload", environment: environment, ["auto", "true", "false"]) ?? "auto"
        var reload: ReloadSettings?
        if case .product(let product, let packagePath) = workerSource {
            let underSystemd = environment["NOTIFY_SOCKET"] != nil || environment["INVOCATION_ID"] != nil
            if reloadChoice == "true" || (reloadChoice == "auto" && !underSystemd) {
                reload = ReloadSettings(
                    packagePath: packagePath, product: product,
                    extraWatchPaths: (try file.list(for: "watch", environment: environment) ?? []).map { absolute($0, relativeTo: packagePath) },
                    extraIgnoredPatterns: try file.list(for: "ignore", environment: environment) ?? [])
            }
        } else if reloadChoice == "true" {
            throw ConfigurationError(.invalidValue, "reload needs a worker built from a Swift package (worker-product), not a fixed path (\(executable)).")
        }
        return SupervisorSettings(configuration: configuration, workerSource: workerSource, reload: reload, controlSocketExplicit: explicitSocket != nil)
    }

    /// A duration flag (`--graceful-timeout 2.5`): a number of seconds in range, checked before any
    /// conversion, because `nan`, `inf` and `1e300` parse as numbers and would trap when made a `Duration`.
    static func duration(flag: Double, key: String) throws(ConfigurationError) -> Duration {
        let maximum = Double(ConfigurationLimits.maximumSeconds)
        guard flag.isFinite, flag >= 0, flag <= maximum else {
            throw ConfigurationError(
                .invalidValue,
                "Invalid value \(flag) for --\(key): expected a number of seconds from 0 to \(ConfigurationLimits.maximumSeconds) (a year), such as 30 or 0.5.",
                isUsageError: true)
        }
        return .nanoseconds(Int64((flag * 1e9).rounded()))
    }
}
