import Foundation
import Synchronization

/// Records enqueued tasks without running them, for the app's own unit tests (Django's `DummyBackend`).
///
/// Unique tasks are deduplicated as the stores do: while a recorded task holds the key (its status is one
/// of the key's states and its period has not ended), an enqueue with that key returns it instead.
///
/// ```swift
/// let backend = InMemoryBackend()
/// try SendEmail.enqueue(.init(…), on: backend)
/// #expect(backend.enqueued.map(\.taskName) == [SendEmail.name])
/// ```
public final class InMemoryBackend: SynchronousTaskBackend {
    /// A recorded task, with the unique key it was enqueued with (and its states and end), if any.
    private typealias Entry = (record: TaskRecord, unique: (key: String, states: Set<TaskStatus>, until: Date?)?)
    private let state = Mutex<(nextID: Int64, records: [Entry])>((1, []))

    public init() {}

    /// Every record enqueued so far, in order.
    public var enqueued: [TaskRecord] { state.withLock { $0.records.map(\.record) } }

    /// Forgets every record.
    public func clear() { state.withLock { $0.records.removeAll() } }

    public func enqueue(_ request: TaskRequest) throws -> TaskRecord {
        try request.validate()
        return insert(request).record
    }

    public func record(id: TaskResultID) throws -> TaskRecord {
        try find(id: id)
    }

    public func enqueue(_ request: TaskRequest) async throws -> TaskRecord {
        try request.validate()
        return insert(request).record
    }

    public func enqueueReportingDuplicate(_ request: TaskRequest) async throws -> EnqueueOutcome {
        try request.validate()
        return insert(request)
    }

    public func record(id: TaskResultID) async throws -> TaskRecord {
        try find(id: id)
    }

    private func insert(_ request: TaskRequest) -> EnqueueOutcome {
        let now = Date()
        return state.withLock { state in
            if let unique = request.unique,
               let holder = state.records.first(where: { Self.holds($0, unique, now: now) }) {
                return .duplicate(of: holder.record)
            }
            let record = TaskRecord(id: TaskResultID(state.nextID), request: request, enqueuedAt: now)
            state.nextID += 1
            state.records.append((record, request.unique.map { ($0.key, $0.states, $0.until(enqueuedAt: now)) }))
            return .enqueued(record)
        }
    }

    /// Whether `entry` holds the key of `unique` at `now`: the stores' rule (status in the states that hold it,
    /// and no period or one not yet over).
    private static func holds(_ entry: Entry, _ unique: UniqueConstraint, now: Date) -> Bool {
        guard let held = entry.unique, held.key == unique.key, held.states.contains(entry.record.status) else { return false }
        return held.until.map { now < $0 } ?? true
    }

    private func find(id: TaskResultID) throws -> TaskRecord {
        guard let record = state.withLock({ $0.records.first { $0.record.id == id }?.record }) else { throw OffloadError.resultNotFound(id) }
        return record
    }

}
