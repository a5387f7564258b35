import Foundation

/// Which FAILED tasks to put back in their queues at once (`offload retry --queue … --error-type …`).
///
/// Every condition given must hold; a task's error type is the `exceptionType` of its last error, and its
/// failure time is its `finishedAt`. Each retried task gets a fresh set of attempts, as ``TaskStore/retry(id:at:)`` gives.
public struct BulkRetryRequest: Sendable, Equatable {
    public var queueName: String?
    public var taskName: String?
    public var errorType: String?
    /// Only tasks that failed at or after this time.
    public var failedSince: Date?
    /// Only tasks that failed before this time.
    public var failedUntil: Date?
    /// Only list what would be retried.
    public var dryRun: Bool
    public var now: Date
    /// Rows per statement (and transaction), so other writers wait at most a few milliseconds.
    public var chunkSize: Int

    public init(queueName: String? = nil, taskName: String? = nil, errorType: String? = nil, failedSince: Date? = nil, failedUntil: Date? = nil, dryRun: Bool = false, now: Date = Date(), chunkSize: Int = 500) {
        self.queueName = queueName
        self.taskName = taskName
        self.errorType = errorType
        self.failedSince = failedSince
        self.failedUntil = failedUntil
        self.dryRun = dryRun
        self.now = now
        self.chunkSize = chunkSize
    }

    /// Refuses a chunk size that could not make progress.
    public func validate() throws(OffloadError) {
        guard chunkSize >= 1 else {
            throw OffloadError(.invalidOption, "BulkRetryRequest.chunkSize must be at least 1, not \(chunkSize).")
        }
    }
}

/// A task a bulk retry put back (or, in a dry run, would put back).
public struct RetriedTask: Sendable, Equatable {
    public var id: TaskResultID
    public var taskName: String
    public var queueName: String

    public init(id: TaskResultID, taskName: String, queueName: String) {
        self.id = id
        self.taskName = taskName
        self.queueName = queueName
    }
}
