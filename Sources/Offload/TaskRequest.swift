import Foundation

/// A task about to be enqueued: everything a backend needs to store it, with the arguments already JSON.
public struct TaskRequest: Sendable, Equatable {
    public var taskName: String
    public var queueName: String
    public var priority: Int
    public var backend: String
    /// JSON text of the arguments.
    public var arguments: String
    /// Earliest time a worker may start it; `nil` means as soon as possible.
    public var runAfter: Date?
    public var retry: RetryPolicy
    public var timeout: Duration?
    /// The key this task holds while it is pending or running (see ``UniqueTask``); `nil` for a plain task.
    public var unique: UniqueConstraint?
    /// The concurrency key and limit stored on the row; `nil` for a task without a limit.
    public var concurrency: ConcurrencyLimit.Resolved?
    /// The trace context active at enqueue, as the bootstrapped instrument injected it (a JSON object of
    /// carrier fields), continued by the worker's span; `nil` when there is no instrument or no context.
    public var traceContext: String? = nil

    public init(taskName: String, queueName: String = TaskOptions.defaultQueueName, priority: Int = 0, backend: String = TaskOptions.defaultBackend, arguments: String = "{}", runAfter: Date? = nil, retry: RetryPolicy = .none, timeout: Duration? = nil, unique: UniqueConstraint? = nil, concurrency: ConcurrencyLimit.Resolved? = nil, traceContext: String? = TaskTraceContext.current()) {
        self.taskName = taskName
        self.queueName = queueName
        self.priority = priority
        self.backend = backend
        self.arguments = arguments
        self.runAfter = runAfter
        self.retry = retry
        self.timeout = timeout
        self.unique = unique
        self.concurrency = concurrency
        self.traceContext = traceContext
    }

    /// Encodes `arguments` for task `T`, checking its options and the size limit.
    public init<T: BackgroundTask>(_ task: T.Type, arguments: T.Arguments, runAfter: Date? = nil, maximumArgumentsSize: Int = TaskRequest.defaultMaximumArgumentsSize) throws(OffloadError) {
        let options = T.options
        try options.validate(taskName: T.name)
        let json = try TaskJSON.encodeArguments(arguments, task: T.name)
        guard json.utf8.count <= maximumArgumentsSize else {
            throw .argumentsTooLarge(task: T.name, size: json.utf8.count, limit: maximumArgumentsSize)
        }
        self.init(taskName: T.name, queueName: options.queueName, priority: options.priority, backend: options.backend, arguments: json, runAfter: runAfter, retry: options.retry, timeout: options.timeout,
                  unique: try options.unique?.constraint(taskName: T.name, arguments: json),
                  concurrency: try options.concurrencyLimit?.resolved(taskName: T.name, arguments: json))
    }

    /// 1 MiB: large enough for any sensible set of ids and options, small enough to keep claims fast.
    public static let defaultMaximumArgumentsSize = 1 << 20
}
