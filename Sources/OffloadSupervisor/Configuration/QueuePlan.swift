/// Which queues the supervisor runs workers for, before it has asked the worker which queues its tasks
/// declare, and where each configured one came from, so the log can say why a queue is served.
///
/// With `--queue-name "*"` the served queues are the declared ones plus the configured ones; with a list,
/// exactly the list. Per-queue worker counts may only name a queue that is served, declared or configured:
/// `--workers images=2` for a queue nobody mentions is a typo, not something to ignore.
public struct QueuePlan: Sendable, Equatable {
    /// Whether the selection is `"*"`: add the queues the worker's tasks declare.
    public var servesDeclaredQueues: Bool
    /// The queues `--queues`, `OFFLOAD_QUEUES` or `queues =` name (empty when none does).
    public var configured: [String]
    /// Where ``configured`` came from.
    public var configuredSource: ConfigurationSource
    /// The queues `--queue-name` lists, when it is not `"*"`.
    public var selected: [String]
    /// Where per-queue worker counts came from, when they were given per queue.
    public var workerCountsSource: ConfigurationSource?

    public init(servesDeclaredQueues: Bool, configured: [String], configuredSource: ConfigurationSource, selected: [String] = [], workerCountsSource: ConfigurationSource? = nil) {
        self.servesDeclaredQueues = servesDeclaredQueues
        self.configured = configured
        self.configuredSource = configuredSource
        self.selected = selected
        self.workerCountsSource = workerCountsSource
    }

    /// The queue every task goes to unless it declares another; served when nothing else is known.
    static let fallbackQueue = "default"

    /// The queues to serve, with why each is served, given what the worker declares (`nil` when the worker
    /// cannot describe itself).
    public func resolve(declared: [String]?) -> [(queue: String, origin: String)] {
        guard servesDeclaredQueues else {
            return selected.map { ($0, "--queue-name") }
        }
        var result: [(queue: String, origin: String)] = []
        for queue in (declared ?? []) {
            result.append((queue, configured.contains(queue) ? "declared by the worker's tasks and configured (\(configuredSource))" : "declared by the worker's tasks"))
        }
        for queue in configured where !(declared ?? []).contains(queue) {
            result.append((queue, "configured (\(configuredSource))"))
        }
        if result.isEmpty {
            result.append((Self.fallbackQueue, "the built-in default: no task declares a queue and none is configured"))
        }
        return result
    }

    /// Checks that per-queue worker counts name only known queues.
    ///
    /// - Throws: ``ConfigurationError`` naming the unknown queue and the known ones: a usage error (64) when the
    ///   counts came from a flag, a configuration error (78) otherwise.
    public func checkWorkerCounts(_ counts: [String: Int], served: [String], declared: [String]?) throws(ConfigurationError) {
        let known = Set(served + configured + selected + (declared ?? []))
        guard let unknown = counts.keys.sorted().first(where: { !known.contains($0) }) else { return }
        let source = workerCountsSource ?? .builtInDefault
        let isUsageError = if case .commandLine = source { true } else { false }
        let declaredText = declared.map { $0.isEmpty ? "none" : $0.joined(separator: ", ") } ?? "unknown (the worker cannot describe its tasks)"
        throw ConfigurationError(
            .invalidValue,
            "workers (from \(source)) sets a count for queue \(unknown), which no task declares and no setting names. Known queues: \(known.sorted().joined(separator: ", ")) (declared by the worker's tasks: \(declaredText)). Fix the queue name, or add it to --queues.",
            path: { if case .file(let path, _) = source { path } else { nil } }(),
            line: { if case .file(_, let line) = source { line } else { nil } }(),
            isUsageError: isUsageError)
    }
}
