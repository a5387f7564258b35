import Foundation
import Offload
import OffloadSQLite
import OffloadTesting

/// A store on a fresh database file in its own directory.
struct StoreFixture {
    let directory = TemporaryDirectory("offload-sqlite")
    let store: SQLiteTaskStore

    init(configure: (inout SQLiteStoreConfiguration) -> Void = { _ in }) throws {
        var configuration = SQLiteStoreConfiguration()
        configure(&configuration)
        store = try SQLiteTaskStore(path: directory.file("tasks.sqlite3"), configuration: configuration)
    }

    var path: String { store.path }

    @discardableResult
    func enqueue(_ name: String = "t", queue: String = "default", priority: Int = 0, runAfter: Date? = nil, retry: RetryPolicy = .none) throws -> TaskRecord {
        try store.enqueue(TaskRequest(taskName: name, queueName: queue, priority: priority, arguments: "{}", runAfter: runAfter, retry: retry)) as TaskRecord
    }

    func claim(_ limit: Int = 1, worker: String = "w1", queues: QueueSelection = .all, now: Date = Date()) throws -> [ClaimedTask] {
        try store.completeAndClaim([], claim: ClaimRequest(workerID: worker, queues: queues, limit: limit, now: now))
    }

    func record(_ id: TaskResultID) throws -> TaskRecord {
        try store.record(id: id) as TaskRecord
    }
}
