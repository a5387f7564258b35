import Foundation
import Synchronization

/// Records enqueued tasks without running them, for the app's own unit tests (Django's `DummyBackend`).
///
/// ```swift
/// let backend = InMemoryBackend()
/// try SendEmail.enqueue(.init(…), on: backend)
/// #expect(backend.enqueued.map(\.taskName) == [SendEmail.name])
/// ```
public final class InMemoryBackend: SynchronousTaskBackend {
    private let state = Mutex<(nextID: Int64, records: [TaskRecord])>((1, []))

    public init() {}

    /// Every record enqueued so far, in order.
    public var enqueued: [TaskRecord] { state.withLock { $0.records } }

    /// Forgets every record.
    public func clear() { state.withLock { $0.records.removeAll() } }

    public func enqueue(_ request: TaskRequest) throws -> TaskRecord {
        try request.validate()
        return insert(request)
    }

    public func record(id: TaskResultID) throws -> TaskRecord {
        try find(id: id)
    }

    public func enqueue(_ request: TaskRequest) async throws -> TaskRecord {
        try request.validate()
        return insert(request)
    }

    public func record(id: TaskResultID) async throws -> TaskRecord {
        try find(id: id)
    }

    private func insert(_ request: TaskRequest) -> TaskRecord {
        let now = Date()
        return state.withLock { state in
            let record = TaskRecord(id: TaskResultID(state.nextID), request: request, enqueuedAt: now)
            state.nextID += 1
            state.records.append(record)
            return record
        }
    }

    private func find(id: TaskResultID) throws -> TaskRecord {
        guard let record = state.withLock({ $0.records.first { $0.id == id } }) else { throw OffloadError.resultNotFound(id) }
        return record
    }

}
