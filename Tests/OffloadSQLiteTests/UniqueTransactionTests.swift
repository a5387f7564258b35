import Foundation
import GRDB
import Offload
import OffloadSQLite
import OffloadTesting
import Testing

@Suite("Unique tasks inside the app's SQLite transactions")
struct UniqueTransactionTests {
    struct Rollback: Error {}

    static func request() -> TaskRequest {
        TaskRequest(taskName: "confirm", arguments: #"{"order":1}"#, unique: UniqueConstraint(key: "order-1"))
    }

    @Test("a unique task enqueued twice in one transaction is stored once; a rollback frees its key")
    func duplicateInsideTheTransaction() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        #expect(throws: Rollback.self) {
            try store.pool.write { db in
                _ = try store.enqueueReportingDuplicate(Self.request(), in: db)
                throw Rollback()
            }
        }
        let (first, second) = try store.pool.write { db in
            (try store.enqueueReportingDuplicate(Self.request(), in: db), try store.enqueueReportingDuplicate(Self.request(), in: db))
        }
        #expect(!first.isDuplicate, "the rolled-back task held no key")
        #expect(second.isDuplicate && second.record.id == first.record.id)
        #expect(try store.enqueue(Self.request()).id == first.record.id, "a later enqueue finds it too")
        let count = try store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM offload_task") }
        #expect(count == 1)
    }
}
