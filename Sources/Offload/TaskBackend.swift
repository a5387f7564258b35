import Foundation

/// Where enqueued tasks go: the app-facing half of a backend (Django's `BaseTaskBackend`).
///
/// The database backends also conform to ``TaskStore``, the half workers and supervisors use.
public protocol TaskBackend: Sendable {
    /// Stores a task for a worker (or, for the immediate backend, runs it) and returns its record.
    /// - Throws: ``OffloadError`` when the store refuses it; the task was then not accepted.
    func enqueue(_ request: TaskRequest) async throws -> TaskRecord

    /// The current state of a task's result.
    /// - Throws: ``OffloadError/Code/resultNotFound`` when no task has that id.
    func record(id: TaskResultID) async throws -> TaskRecord
}

/// A backend that can accept tasks from synchronous code without blocking on the network.
public protocol SynchronousTaskBackend: TaskBackend {
    func enqueue(_ request: TaskRequest) throws -> TaskRecord
    func record(id: TaskResultID) throws -> TaskRecord
}
