/// What a running task may know about itself: which result it writes and which attempt this is.
public struct TaskContext: Sendable {
    /// The id of the result this attempt will fill in.
    public let resultID: TaskResultID
    /// 1 for the first attempt, 2 for the first retry, and so on.
    public let attempt: Int
    /// The stable name of the task.
    public let taskName: String
    /// The worker running the attempt, or `nil` when it runs in the caller (immediate backend).
    public let workerID: String?

    public init(resultID: TaskResultID, attempt: Int, taskName: String, workerID: String?) {
        self.resultID = resultID
        self.attempt = attempt
        self.taskName = taskName
        self.workerID = workerID
    }
}
