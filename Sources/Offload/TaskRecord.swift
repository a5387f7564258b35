import Foundation

/// Everything stored about one enqueued task and its result, independent of the task's Swift type.
///
/// ``TaskResult`` wraps a record with the task's types; the admin CLI and the supervisor read records directly.
public struct TaskRecord: Sendable, Equatable, Codable {
    public var id: TaskResultID
    public var taskName: String
    public var queueName: String
    public var backend: String
    public var priority: Int
    public var status: TaskStatus
    /// JSON text of the arguments.
    public var arguments: String
    /// JSON text of the return value, once SUCCESSFUL.
    public var returnValue: String?
    public var enqueuedAt: Date
    /// The earliest time the next attempt may start.
    public var runAfter: Date
    /// When the first attempt started.
    public var startedAt: Date?
    /// When the task became SUCCESSFUL, FAILED or CANCELLED.
    public var finishedAt: Date?
    /// When the latest attempt started.
    public var lastAttemptedAt: Date?
    /// Attempts started so far.
    public var attempts: Int
    public var retry: RetryPolicy
    public var timeout: Duration?
    /// Every worker that ran an attempt, in order.
    public var workerIDs: [String]
    /// One entry per failed attempt, in order.
    public var errors: [TaskAttemptError]
    /// Columns of the stored row that could not be read; the fields they fill hold placeholders.
    /// Always empty for a record a store returns from ``TaskBackend/record(id:)``, which throws instead.
    public var unreadableColumns: [StoredValueProblem] = []
    /// When someone asked to cancel the task (see ``TaskResult/cancel(by:)``); `nil` if nobody did.
    public var cancelRequestedAt: Date? = nil
    /// Who asked to cancel it, as they said (`offload cancel` gives user@host).
    public var cancelledBy: String? = nil

    public init(id: TaskResultID, request: TaskRequest, status: TaskStatus = .pending, enqueuedAt: Date) {
        self.id = id
        self.taskName = request.taskName
        self.queueName = request.queueName
        self.backend = request.backend
        self.priority = request.priority
        self.status = status
        self.arguments = request.arguments
        self.returnValue = nil
        self.enqueuedAt = enqueuedAt
        self.runAfter = request.runAfter ?? enqueuedAt
        self.startedAt = nil
        self.finishedAt = nil
        self.lastAttemptedAt = nil
        self.attempts = 0
        self.retry = request.retry
        self.timeout = request.timeout
        self.workerIDs = []
        self.errors = []
    }

    public init(id: TaskResultID, taskName: String, queueName: String, backend: String, priority: Int, status: TaskStatus, arguments: String, returnValue: String?, enqueuedAt: Date, runAfter: Date, startedAt: Date?, finishedAt: Date?, lastAttemptedAt: Date?, attempts: Int, retry: RetryPolicy, timeout: Duration?, workerIDs: [String], errors: [TaskAttemptError]) {
        self.id = id
        self.taskName = taskName
        self.queueName = queueName
        self.backend = backend
        self.priority = priority
        self.status = status
        self.arguments = arguments
        self.returnValue = returnValue
        self.enqueuedAt = enqueuedAt
        self.runAfter = runAfter
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.lastAttemptedAt = lastAttemptedAt
        self.attempts = attempts
        self.retry = retry
        self.timeout = timeout
        self.workerIDs = workerIDs
        self.errors = errors
    }
}
