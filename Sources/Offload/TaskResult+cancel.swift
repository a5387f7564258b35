import Foundation

extension TaskResult {
    /// Cancels the task and refreshes this result.
    ///
    /// A PENDING or delayed task becomes CANCELLED at once and never runs. A RUNNING task is marked: its worker
    /// notices within about a second and cancels the Swift `Task` running it (cooperative cancellation); whatever
    /// that attempt then returns or throws, the task ends CANCELLED and is not retried. A task that ignores
    /// cancellation has its worker killed after the supervisor's `timeout-grace`, and still ends CANCELLED.
    /// A finished task is left as it is (see the returned ``TaskCancellation/effect``).
    ///
    /// - Parameter canceller: who cancels, stored with the task (`cancelledBy`); by default this process.
    /// - Throws: ``OffloadError/Code/cancellationUnsupported`` on a backend that keeps no tasks
    ///   (the immediate and in-memory backends); the store's error if it cannot be reached.
    @discardableResult
    public mutating func cancel(by canceller: String = TaskCancellation.defaultCanceller) async throws -> TaskCancellation {
        guard let store = backend as? any TaskStore else {
            throw OffloadError(.cancellationUnsupported, "Task \(record.taskName) (\(record.id)) cannot be cancelled: its backend (\(type(of: backend))) keeps no tasks to cancel.")
        }
        let outcome = try await store.cancel([id], by: canceller, at: Date()).first
            ?? TaskCancellation(id: id, taskName: nil, previousStatus: nil, effect: .notFound)
        try await refresh()
        return outcome
    }
}
