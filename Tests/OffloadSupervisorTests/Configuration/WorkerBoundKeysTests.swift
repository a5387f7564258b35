import OffloadSupervisor
import OffloadWorker
import Testing

/// Settings the supervisor passes on to every worker it spawns: `prefetch-budget`, and the ranges a worker
/// accepts for them, so a value no worker would take stops the supervisor instead of failing each worker.
@Suite("Configuration: the settings passed on to workers")
struct WorkerBoundKeysTests {
    static func settings(_ text: String, flags adjust: (inout SupervisorFlags) -> Void = { _ in }, environment: [String: String] = [:]) throws -> SupervisorSettings {
        var flags = SupervisorFlags()
        flags.worker = "/bin/true"
        adjust(&flags)
        let file = try ConfigurationFile(parsing: text, path: "/etc/offload/offload.conf")
        return try SupervisorSettings.resolve(flags: flags, file: file, environment: environment, workingDirectory: "/")
    }

    @Test("prefetch-budget is 10 ms unless the file, the environment or the flag says otherwise, in that order")
    func prefetchBudgetPrecedence() throws {
        #expect(try Self.settings("").configuration.workerPrefetchBudget == .milliseconds(10))
        #expect(try Self.settings("prefetch-budget = 0\n").configuration.workerPrefetchBudget == .zero)
        #expect(try Self.settings("prefetch-budget = 0\n", environment: ["OFFLOAD_PREFETCH_BUDGET": "0.5"]).configuration.workerPrefetchBudget == .milliseconds(500))
        #expect(try Self.settings("prefetch-budget = 0\n", flags: { $0.prefetchBudget = 2 }, environment: ["OFFLOAD_PREFETCH_BUDGET": "0.5"]).configuration.workerPrefetchBudget == .seconds(2))
        #expect(ConfigurationFile.unrecognizedEnvironmentVariables(in: ["OFFLOAD_PREFETCH_BUDGET": "1"]).isEmpty)
    }

    static let refusedByWorkers: [(text: String, key: String)] = [
        ("graceful-timeout = 700000", "graceful-timeout"),
        ("heartbeat-interval = 0", "heartbeat-interval"),
        ("heartbeat-timeout = 7200\nheartbeat-interval = 4000", "heartbeat-interval"),
        ("trim-memory-after = 1000000", "trim-memory-after"),
        ("prefetch-budget = 7200", "prefetch-budget"),
    ]

    @Test("a value in the file that every worker would refuse stops the supervisor, naming the line and the range", arguments: refusedByWorkers)
    func fileValueWorkersRefuse(text: String, key: String) throws {
        let error = #expect(throws: ConfigurationError.self) { try Self.settings("# offload\n" + text + "\n") }
        #expect(error?.message.contains(key) == true, "\(String(describing: error))")
        #expect(error?.message.contains("the range a worker accepts") == true, "\(String(describing: error))")
        #expect(error?.line != nil, "\(String(describing: error))")
    }

    @Test("a flag that every worker would refuse is a usage error naming the flag")
    func flagValueWorkersRefuse() throws {
        let error = #expect(throws: ConfigurationError.self) { try Self.settings("", flags: { $0.gracefulTimeout = 1_000_000 }) }
        #expect(error?.message.contains("--graceful-timeout") == true, "\(String(describing: error))")
        #expect(error?.isUsageError == true)
    }

    @Test("the worker's own limits are the ones checked: its largest graceful timeout passes")
    func workerLimitsPass() throws {
        let largest = WorkerOptions.Limits.gracefulTimeout.upperBound
        #expect(try Self.settings("graceful-timeout = \(Int(largest))\n").configuration.gracefulTimeout == .seconds(Int64(largest)))
    }
}
