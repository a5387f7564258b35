import Foundation

/// Why one attempt failed: one is recorded per failed attempt, in order (Django's `TaskResult.errors`).
public struct TaskAttemptError: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The Swift type of the thrown error (`MyApp.MailError`), or a name for failures outside the task such as `WorkerCrashed`.
    public var exceptionType: String
    /// What happened, in words a user can act on.
    public var message: String
    /// A backtrace or the last lines a crashed worker wrote to stderr, when one can be had.
    public var traceback: String?
    /// The attempt that failed (1-based).
    public var attempt: Int
    /// The worker that ran the attempt.
    public var workerID: String?
    public var failedAt: Date

    public init(exceptionType: String, message: String, traceback: String? = nil, attempt: Int, workerID: String?, failedAt: Date = Date()) {
        self.exceptionType = exceptionType
        self.message = message
        self.traceback = traceback
        self.attempt = attempt
        self.workerID = workerID
        self.failedAt = failedAt
    }

    /// Records an error thrown by a task.
    public init(thrown error: any Error, attempt: Int, workerID: String?, failedAt: Date = Date()) {
        self.init(
            exceptionType: String(reflecting: type(of: error)),
            message: String(describing: error),
            traceback: nil,
            attempt: attempt,
            workerID: workerID,
            failedAt: failedAt)
    }

    public var description: String {
        "attempt \(attempt) on \(workerID ?? "caller"): \(exceptionType): \(message)"
    }
}

/// Names for failures that do not come from a thrown Swift error.
public enum TaskFailureKind {
    public static let unknownTask = "Offload.UnknownTask"
    public static let undecodableArguments = "Offload.UndecodableArguments"
    public static let unencodableReturnValue = "Offload.UnencodableReturnValue"
    public static let timedOut = "Offload.TimedOut"
    public static let workerDied = "Offload.WorkerDied"
    public static let workerLost = "Offload.WorkerLost"
    /// The task's stored row holds a value Offload cannot use; the message names the column.
    public static let invalidStoredRow = "Offload.InvalidStoredRow"
    /// Someone cancelled the task (it ends CANCELLED): before it started, or its worker was killed for ignoring it.
    public static let cancelled = "Offload.Cancelled"
}
