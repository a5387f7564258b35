import Foundation

/// The typed view of one enqueued task's result: status, return value, errors and timestamps.
///
/// A result is a snapshot; ``refresh()`` reads the latest state from its backend.
public struct TaskResult<Task: BackgroundTask>: Sendable {
    public private(set) var record: TaskRecord
    public let backend: any TaskBackend

    public init(record: TaskRecord, backend: any TaskBackend) {
        self.record = record
        self.backend = backend
    }

    public var id: TaskResultID { record.id }
    public var status: TaskStatus { record.status }
    public var errors: [TaskAttemptError] { record.errors }
    public var attempts: Int { record.attempts }
    public var enqueuedAt: Date { record.enqueuedAt }
    public var startedAt: Date? { record.startedAt }
    public var finishedAt: Date? { record.finishedAt }
    public var lastAttemptedAt: Date? { record.lastAttemptedAt }
    public var workerIDs: [String] { record.workerIDs }
    public var isFinished: Bool { record.status.isFinished }

    /// The value the task returned.
    /// - Throws: ``OffloadError/Code/taskCancelled`` if the task is CANCELLED (even if an attempt returned first);
    ///   ``OffloadError/Code/resultNotReady`` unless the task is SUCCESSFUL;
    ///   ``OffloadError/Code/returnValueUndecodable`` if the stored JSON no longer fits `Task.Output`.
    public var returnValue: Task.Output {
        get throws(OffloadError) {
            if record.status == .cancelled {
                throw OffloadError(.taskCancelled, "Task \(record.taskName) (\(record.id)) was cancelled\(record.cancelledBy.map { " by \($0)" } ?? ""): it has no return value.")
            }
            guard record.status == .successful, let json = record.returnValue else {
                throw OffloadError(.resultNotReady, "Task \(record.taskName) (\(record.id)) has no return value: its status is \(record.status).")
            }
            do {
                return try TaskJSON.decode(Task.Output.self, from: json)
            } catch {
                throw OffloadError(.returnValueUndecodable, "The stored return value of task \(record.taskName) (\(record.id)) does not decode as \(Task.Output.self): \(error).")
            }
        }
    }

    /// Reads the latest state from the backend.
    public mutating func refresh() async throws {
        record = try await backend.record(id: record.id)
    }
}
