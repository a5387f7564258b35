import Foundation

/// How a task is queued and run: the spec's `@task(priority:, queue_name:, backend:)` plus retries and a time limit.
public struct TaskOptions: Sendable, Equatable {
    /// The lowest and highest priority a task may have; higher runs first.
    public static let priorityRange: ClosedRange<Int> = -100...100
    public static let defaultQueueName = "default"
    public static let defaultBackend = "default"

    /// Name of the queue; a worker serves the queues named by its `--queue-name`.
    public var queueName: String
    /// Higher first, from −100 to 100; tasks of equal priority run in the order they became ready.
    public var priority: Int
    /// Alias of the backend in ``TaskBackends`` that stores the task.
    public var backend: String
    /// How many attempts a task gets and how long to wait between them. The default is one attempt.
    public var retry: RetryPolicy
    /// After this long, a running attempt is cancelled; `nil` lets it run for as long as it takes.
    public var timeout: Duration?
    /// Makes enqueues of an equal task return the one already there: see ``UniqueTask``. `nil`: every enqueue stores a task.
    public var unique: UniqueTask?
    /// At most this many tasks with the same key RUNNING at once; `nil` for no limit (see ``ConcurrencyLimit``).
    public var concurrencyLimit: ConcurrencyLimit?

    public init(
        queueName: String = TaskOptions.defaultQueueName,
        priority: Int = 0,
        backend: String = TaskOptions.defaultBackend,
        retry: RetryPolicy = .none,
        timeout: Duration? = nil,
        unique: UniqueTask? = nil,
        concurrencyLimit: ConcurrencyLimit? = nil
    ) {
        self.queueName = queueName
        self.priority = priority
        self.backend = backend
        self.retry = retry
        self.timeout = timeout
        self.unique = unique
        self.concurrencyLimit = concurrencyLimit
    }

    /// Checks the values a store would reject, so the caller hears about them at enqueue time.
    public func validate(taskName: String) throws(OffloadError) {
        if let problem = TaskNames.problem(with: taskName) {
            throw .invalidOption(task: taskName, problem)
        }
        guard Self.priorityRange.contains(priority) else {
            throw .invalidOption(task: taskName, "priority \(priority) is outside \(Self.priorityRange.lowerBound)…\(Self.priorityRange.upperBound)")
        }
        guard !queueName.isEmpty, !queueName.contains(","), queueName != "*" else {
            throw .invalidOption(task: taskName, "queue name \"\(TerminalSafe.escape(queueName))\" must be non-empty and contain neither ',' nor be '*'")
        }
        if let problem = TaskNames.problem(with: queueName, kind: "queue name") {
            throw .invalidOption(task: taskName, problem)
        }
        guard retry.maxAttempts >= 1 else {
            throw .invalidOption(task: taskName, "retry.maxAttempts must be at least 1, not \(retry.maxAttempts)")
        }
        if let timeout, timeout <= .zero || timeout > StoredTaskValues.maximumDuration {
            throw .invalidOption(task: taskName, "timeout must be positive and at most 100 years, not \(timeout)")
        }
        for (name, backoff) in [("retry.initialBackoff", retry.initialBackoff), ("retry.maximumBackoff", retry.maximumBackoff)]
        where backoff < .zero || backoff > StoredTaskValues.maximumDuration {
            throw .invalidOption(task: taskName, "\(name) must be from 0 to 100 years, not \(backoff)")
        }
        if let concurrencyLimit, !(1...ConcurrencyLimit.maximumLimit).contains(concurrencyLimit.limit) {
            throw .invalidOption(task: taskName, "concurrency limit \(concurrencyLimit.limit) is outside 1…\(ConcurrencyLimit.maximumLimit)")
        }
    }
}
