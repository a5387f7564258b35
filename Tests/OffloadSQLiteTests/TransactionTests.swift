import Foundation
import GRDB
import Offload
import OffloadSQLite
import OffloadTesting
import Testing

@Suite("Enqueueing inside the app's transactions")
struct TransactionTests {
    struct Rollback: Error {}

    func appPool(_ fixture: StoreFixture) throws -> SQLiteTaskStore {
        try fixture.store.pool.write { db in
            try db.execute(sql: "CREATE TABLE IF NOT EXISTS app_order (id INTEGER PRIMARY KEY)")
        }
        return fixture.store
    }

    @Test("a task enqueued in a transaction that commits exists with the app's row")
    func committedTransactionKeepsTask() throws {
        let fixture = try StoreFixture()
        let store = try appPool(fixture)
        let id = try store.pool.write { db in
            try db.execute(sql: "INSERT INTO app_order (id) VALUES (1)")
            return try store.enqueue(TaskRequest(taskName: "confirm"), in: db).id
        }
        #expect(try fixture.record(id).status == .pending)
    }

    @Test("a task enqueued in a transaction that rolls back never exists")
    func rolledBackTransactionDropsTask() throws {
        let fixture = try StoreFixture()
        let store = try appPool(fixture)
        var enqueuedID: TaskResultID?
        #expect(throws: Rollback.self) {
            try store.pool.write { db in
                try db.execute(sql: "INSERT INTO app_order (id) VALUES (1)")
                enqueuedID = try store.enqueue(TaskRequest(taskName: "confirm"), in: db).id
                throw Rollback()
            }
        }
        let id = try #require(enqueuedID)
        #expect(throws: OffloadError.self) { try fixture.record(id) }
        #expect(try store.pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM app_order") } == 0)
    }

    @Test("an enqueue deferred to after commit happens on commit and not on rollback")
    func afterCommit() throws {
        let fixture = try StoreFixture()
        let store = try appPool(fixture)
        try store.pool.write { db in
            try db.execute(sql: "INSERT INTO app_order (id) VALUES (1)")
            store.enqueueAfterCommit(TaskRequest(taskName: "committed"), in: db)
        }
        try? store.pool.write { db in
            try db.execute(sql: "INSERT INTO app_order (id) VALUES (2)")
            store.enqueueAfterCommit(TaskRequest(taskName: "rolled-back"), in: db)
            throw Rollback()
        }
        let names = try store.pool.read { try String.fetchAll($0, sql: "SELECT task_name FROM offload_task") }
        #expect(names == ["committed"])
    }
}
