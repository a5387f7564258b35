import Foundation

/// What a task's type declares about how it is queued: its name and ``TaskOptions``, in a form that
/// travels as JSON (a worker's `--describe-tasks`) and is stored (the declared-task table the CLI reads).
///
/// Durations are whole milliseconds, the unit every store keeps them in.
public struct TaskDeclaration: Sendable, Equatable, Codable {
    public var name: String
    public var queueName: String
    public var priority: Int
    public var backend: String
    public var maxAttempts: Int
    public var initialBackoffMilliseconds: Int64
    public var maximumBackoffMilliseconds: Int64
    public var jitter: Double
    /// `nil`: attempts run for as long as they take.
    public var timeoutMilliseconds: Int64?
    /// When the task is enqueued periodically; absent in descriptions before version 2.
    public var schedule: ScheduleDeclaration?

    public init(name: String, options: TaskOptions, schedule: TaskSchedule? = nil) {
        self.name = name
        self.queueName = options.queueName
        self.priority = options.priority
        self.backend = options.backend
        self.maxAttempts = options.retry.maxAttempts
        self.initialBackoffMilliseconds = options.retry.initialBackoff.milliseconds
        self.maximumBackoffMilliseconds = options.retry.maximumBackoff.milliseconds
        self.jitter = options.retry.jitter
        self.timeoutMilliseconds = options.timeout?.milliseconds
        self.schedule = schedule.map(ScheduleDeclaration.init)
    }

    /// The options back, for an enqueue that applies them. Values from a file or a database may be anything:
    /// the caller validates the result (``TaskRequest/validate()``) before using it.
    public var options: TaskOptions {
        TaskOptions(
            queueName: queueName, priority: priority, backend: backend,
            retry: RetryPolicy(
                maxAttempts: maxAttempts, initialBackoff: .milliseconds(initialBackoffMilliseconds),
                maximumBackoff: .milliseconds(maximumBackoffMilliseconds), jitter: jitter.isFinite ? jitter : 0),
            timeout: timeoutMilliseconds.map { .milliseconds($0) })
    }
}
