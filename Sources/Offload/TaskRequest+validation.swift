import Foundation

extension TaskRequest {
    /// Checks everything a store is about to write: the name, the options and the run-after.
    ///
    /// Every enqueue path calls it (the typed `enqueue`, a raw ``TaskRequest``, a batch, `offload enqueue`),
    /// so a value that could break a claim, a log line or a terminal never reaches the database.
    /// - Throws: ``OffloadError/Code/invalidOption`` saying what to change.
    public func validate() throws(OffloadError) {
        let options = TaskOptions(queueName: queueName, priority: priority, backend: backend, retry: retry, timeout: timeout)
        try options.validate(taskName: taskName)
        try unique?.validate(taskName: taskName)
        if let problem = concurrency?.problem {
            throw .invalidOption(task: taskName, problem)
        }
        if let runAfter {
            guard runAfter.timeIntervalSince1970.isFinite, StoredTaskValues.runAfterRange.contains(runAfter) else {
                throw .invalidOption(task: taskName, "runAfter \(runAfter.timeIntervalSince1970) s since 1970 is not a time between 1970 and 2970")
            }
        }
    }
}

extension Duration {
    /// A duration from a number of seconds typed in or read from a file, or `nil` when it is not finite or
    /// longer than ``StoredTaskValues/maximumDuration`` either way (`Duration.seconds(_:)` would trap).
    public init?(checkedSeconds seconds: Double) {
        guard seconds.isFinite, abs(seconds) <= StoredTaskValues.maximumDuration.seconds else { return nil }
        self = .milliseconds(Int64((seconds * 1000).rounded()))
    }
}
