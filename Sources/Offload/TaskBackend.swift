import Foundation
import Synchronization

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

    // MARK: unique tasks

    /// Stores a task, or, when the request is unique (``TaskRequest/unique``) and a task holds its key,
    /// returns that task as a duplicate without storing. ``enqueue(_:)`` does the same but does not say which.
    func enqueueReportingDuplicate(_ request: TaskRequest) async throws -> EnqueueOutcome
}

/// A backend that can accept tasks from synchronous code without blocking on the network.
public protocol SynchronousTaskBackend: TaskBackend {
    func enqueue(_ request: TaskRequest) throws -> TaskRecord
    func record(id: TaskResultID) throws -> TaskRecord
}

extension TaskBackend {
    /// Runs the async enqueue on the concurrency pool and waits for it on the calling thread, the main thread:
    /// see the synchronous `BackgroundTask.enqueue(_:runAfter:)` for why only there.
    func enqueueWaitingOnMainThread(_ request: TaskRequest) throws -> TaskRecord {
        let outcome = WaitedOutcome()
        Task.detached {
            do {
                outcome.finish(.success(try await self.enqueue(request)))
            } catch {
                outcome.finish(.failure(error))
            }
        }
        return try outcome.wait().get()
    }
}

/// The result of an enqueue that a synchronous caller waits for.
private final class WaitedOutcome: Sendable {
    private let result = Mutex<Result<TaskRecord, any Error>?>(nil)
    private let done = DispatchSemaphore(value: 0)

    func finish(_ outcome: Result<TaskRecord, any Error>) {
        result.withLock { $0 = outcome }
        done.signal()
    }

    func wait() -> Result<TaskRecord, any Error> {
        done.wait()
        return result.withLock { $0! }
    }
}

/// Whether the caller runs on the main queue: the main thread, or (in async top-level code on Linux, where
/// `dispatch_main` ends the main thread) the thread that drains the main queue for the main actor.
enum MainQueue {
    private static let key: DispatchSpecificKey<Bool> = {
        let key = DispatchSpecificKey<Bool>()
        DispatchQueue.main.setSpecific(key: key, value: true)
        return key
    }()

    static var isCurrent: Bool { Thread.isMainThread || DispatchQueue.getSpecific(key: key) == true }
}
