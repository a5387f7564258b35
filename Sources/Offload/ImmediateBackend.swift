import Foundation
import Synchronization

/// Runs each task in the caller as it is enqueued and keeps its result in memory (Django's `ImmediateBackend`).
///
/// Enqueueing waits for the task to finish, so use it in development and tests, never to keep a response fast.
/// Retries happen at once, without the backoff wait, so a test sees the final state.
public final class ImmediateBackend: TaskBackend {
    private let registry: TaskRegistry
    private let state = Mutex<(nextID: Int64, records: [TaskResultID: TaskRecord])>((1, [:]))

    public init(registry: TaskRegistry) {
        self.registry = registry
    }

    public func enqueue(_ request: TaskRequest) async throws -> TaskRecord {
        try request.validate()
        let now = Date()
        var record = state.withLock { state in
            let record = TaskRecord(id: TaskResultID(state.nextID), request: request, enqueuedAt: now)
            state.nextID += 1
            state.records[record.id] = record
            return record
        }
        while true {
            record.attempts += 1
            record.status = .running
            record.lastAttemptedAt = Date()
            if record.startedAt == nil { record.startedAt = record.lastAttemptedAt }
            record.workerIDs.append("immediate")
            store(record)
            let claimed = ClaimedTask(id: record.id, taskName: record.taskName, queueName: record.queueName, priority: record.priority, arguments: record.arguments, attempt: record.attempts, retry: record.retry, timeout: record.timeout, runAfter: record.runAfter)
            switch await TaskExecution.run(claimed, registry: registry, workerID: nil) {
            case .succeeded(let returnValue):
                record.status = .successful
                record.returnValue = returnValue
                record.finishedAt = Date()
                store(record)
                return record
            case .failed(let error, let retryAt):
                record.errors.append(error)
                if retryAt == nil {
                    record.status = .failed
                    record.finishedAt = Date()
                    store(record)
                    return record
                }
            case .snoozed(let until):
                // Running it again at once would loop for as long as it snoozes: it stays pending, as a worker would leave it.
                record.status = .pending
                record.attempts -= 1
                record.runAfter = until
                store(record)
                return record
            }
        }
    }

    public func record(id: TaskResultID) async throws -> TaskRecord {
        guard let record = state.withLock({ $0.records[id] }) else { throw OffloadError.resultNotFound(id) }
        return record
    }

    private func store(_ record: TaskRecord) {
        state.withLock { $0.records[record.id] = record }
    }
}
