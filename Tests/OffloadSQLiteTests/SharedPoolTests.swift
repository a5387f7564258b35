import Foundation
import GRDB
import Offload
import OffloadSQLite
import OffloadTesting
import Testing

@Suite("Sharing the app's own DatabasePool")
struct SharedPoolTests {
    @Test("a pool made with GRDB's default configuration is refused, saying what to set")
    func defaultPoolIsRefused() throws {
        let directory = TemporaryDirectory("offload-shared-pool")
        let pool = try DatabasePool(path: directory.file("app.sqlite3"))
        let error = #expect(throws: OffloadError.self) { try SQLiteTaskStore(pool: pool) }
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.message == """
            The DatabasePool passed to SQLiteTaskStore(pool:) cannot share \(pool.path) with Offload's workers: \
            its Configuration.busyMode is .immediateError (GRDB's default), so each write fails at once with \
            "database is locked" while a worker process holds the write lock. Make the pool with \
            `var configuration = Configuration(); SQLiteTaskStore.configure(&configuration); \
            let dbPool = try DatabasePool(path: …, configuration: configuration)`.
            """)
    }

    @Test("a pool whose busy timeout is too short to outwait a worker's commit is refused")
    func shortTimeoutIsRefused() throws {
        let directory = TemporaryDirectory("offload-shared-pool")
        var configuration = Configuration()
        configuration.busyMode = .timeout(0.05)
        let pool = try DatabasePool(path: directory.file("app.sqlite3"), configuration: configuration)
        let error = #expect(throws: OffloadError.self) { try SQLiteTaskStore(pool: pool) }
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.message.contains("its Configuration.busyMode is .timeout(0.05), shorter than the 1.0 s") == true)
    }

    @Test("a pool made with SQLiteTaskStore.configure is accepted and enqueues in the app's transaction")
    func configuredPoolIsAccepted() throws {
        let directory = TemporaryDirectory("offload-shared-pool")
        var configuration = Configuration()
        SQLiteTaskStore.configure(&configuration)
        let pool = try DatabasePool(path: directory.file("app.sqlite3"), configuration: configuration)
        let store = try SQLiteTaskStore(pool: pool)
        let record = try pool.write { db in
            try store.enqueue(TaskRequest(taskName: "Mail.Send"), in: db)
        }
        #expect(try store.record(id: record.id).taskName == "Mail.Send")
    }
}
