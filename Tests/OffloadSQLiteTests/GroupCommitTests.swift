import Foundation
import GRDB
import Offload
@testable import OffloadSQLite
import OffloadTesting
import Testing

@Suite("Group commit of concurrent enqueues")
struct GroupCommitTests {
    /// The store's writer is held busy while eight enqueues arrive, so they are all waiting when it frees:
    /// the first leads, the seven others join its batch (counted, not timed). A trigger of the test's refuses
    /// one of them inside the shared transaction.
    @Test("a request the database refuses inside a shared batch fails only its own caller; the others are stored")
    func refusedRequestFailsAlone() async throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        try await store.pool.write { db in
            try db.execute(sql: """
                CREATE TRIGGER refuse_test_rejected BEFORE INSERT ON offload_task WHEN NEW.task_name = 'test.rejected'
                BEGIN SELECT RAISE(ABORT, 'refused by the test'); END
                """)
        }
        let writerHeld = DispatchSemaphore(value: 0)
        let releaseWriter = DispatchSemaphore(value: 0)
        Thread {
            store.pool.writeWithoutTransaction { _ in
                writerHeld.signal()
                releaseWriter.wait()
            }
        }.start()
        writerHeld.wait()
        let batchesBefore = store.groupCommit.batchCount

        let names = (0..<8).map { $0 == 5 ? "test.rejected" : "test.kept" }
        let outcomes = try await withThrowingTaskGroup(of: (Int, Result<TaskRecord, any Error>).self) { group in
            for (index, name) in names.enumerated() {
                group.addTask {
                    let request = TaskRequest(taskName: name, arguments: #"{"index": \#(index)}"#)
                    do { return (index, .success(try await store.enqueue(request))) } catch { return (index, .failure(error)) }
                }
            }
            // One leads (waiting for the writer), seven queue behind it.
            try await waitUntil("seven enqueues to queue behind the leader", interval: .milliseconds(2)) { store.groupCommit.queuedCount == 7 }
            releaseWriter.signal()
            var outcomes: [Int: Result<TaskRecord, any Error>] = [:]
            for try await (index, outcome) in group { outcomes[index] = outcome }
            return outcomes
        }

        // The leader takes the queue once it holds the writer: all eight shared one transaction.
        #expect(store.groupCommit.batchCount - batchesBefore == 1)
        for (index, name) in names.enumerated() {
            switch outcomes[index] {
            case .success(let record)?:
                #expect(name == "test.kept", "request \(index) (\(name)) should have failed")
                #expect(try fixture.record(record.id).taskName == "test.kept")
            case .failure(let error)?:
                #expect(name == "test.rejected", "request \(index) (\(name)) failed: \(error)")
                #expect("\(error)".contains("refused by the test"))
            case nil:
                Issue.record("request \(index) has no outcome")
            }
        }
        let stored = try await store.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM offload_task") ?? 0 }
        #expect(stored == 7)
    }

    @Test("an enqueue whose arguments are too large fails alone, before joining a batch")
    func invalidRequestFailsBeforeBatching() async throws {
        let fixture = try StoreFixture { $0.maximumArgumentsSize = 64 }
        let store = fixture.store
        let batchesBefore = store.groupCommit.batchCount
        await #expect(throws: OffloadError.self) {
            _ = try await store.enqueue(TaskRequest(taskName: "t", arguments: #"{"p": "\#(String(repeating: "x", count: 100))"}"#))
        }
        #expect(store.groupCommit.batchCount == batchesBefore)
        let kept = try await store.enqueue(TaskRequest(taskName: "t", arguments: "{}"))
        #expect(try fixture.record(kept.id).status == .pending)
    }

    @Test("the store syncs acknowledged enqueues by default; OFFLOAD_DURABILITY's spellings are read strictly")
    func durabilityDefaultsToFull() throws {
        #expect(SQLiteStoreConfiguration().durability == .full)
        #expect(SQLiteDurability(parsing: " FULL ") == .full)
        #expect(SQLiteDurability(parsing: "normal") == .normal)
        #expect(SQLiteDurability(parsing: "off") == nil)
        #expect(SQLiteDurability(parsing: "") == nil)
        #expect(try SQLiteStoreConfiguration.durability(fromEnvironment: [:]) == nil)
        #expect(try SQLiteStoreConfiguration.durability(fromEnvironment: ["OFFLOAD_DURABILITY": "normal"]) == .normal)
        #expect(throws: OffloadError.self) { try SQLiteStoreConfiguration.durability(fromEnvironment: ["OFFLOAD_DURABILITY": "fast"]) }
    }

    @Test("an enqueue commits with synchronous=FULL and leaves the connection at NORMAL for claims and results")
    func enqueueRaisesSynchronousOnlyAroundItsCommit() async throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        let levelDuringEnqueue = try await store.pool.writeWithoutTransaction { db in
            try store.withDurability(.full, db: db) { try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        }
        #expect(levelDuringEnqueue == 2)
        _ = try await store.enqueue(TaskRequest(taskName: "t", arguments: "{}"))
        let levelAfter = try await store.pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(levelAfter == 1)
    }
}
