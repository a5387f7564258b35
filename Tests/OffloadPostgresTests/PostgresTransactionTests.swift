import Foundation
import Logging
import Offload
import OffloadPostgres
import OffloadTesting
import PostgresNIO
import Synchronization
import Testing

@Suite("Enqueueing inside the app's PostgreSQL transactions", .enabled(if: PostgresTestServer.isConfigured, PostgresTestServer.skipReason))
struct PostgresTransactionTests {
    struct Rollback: Error {}

    let logger = PostgresTestServer.logger

    func createOrders(_ store: PostgresTaskStore, schema: String) async throws {
        try await store.withTransaction { connection in
            _ = try await connection.query("CREATE TABLE \(unescaped: schema).app_order (id integer PRIMARY KEY)", logger: logger)
        }
    }

    func orderCount(_ store: PostgresTaskStore, schema: String) async throws -> Int {
        try await store.withTransaction { connection in
            try await connection.query("SELECT count(*) FROM \(unescaped: schema).app_order", logger: logger).collect().first?.decode(Int.self) ?? -1
        }
    }

    @Test("a task enqueued in the app's transaction that commits exists with the app's row")
    func commitKeepsTask() async throws {
        try await PostgresTestServer.withStore { store, configuration in
            try await createOrders(store, schema: configuration.schema)
            let logger = self.logger
            let id = try await store.client.withConnection { connection in
                try await connection.withTransaction(logger: logger) { connection in
                    _ = try await connection.query("INSERT INTO \(unescaped: configuration.schema).app_order (id) VALUES (1)", logger: logger)
                    return try await store.enqueue(TaskRequest(taskName: "confirm"), on: connection).id
                }
            }
            #expect(try await store.record(id: id).status == .pending)
            #expect(try await orderCount(store, schema: configuration.schema) == 1)
        }
    }

    @Test("a task enqueued in the app's transaction that rolls back never exists")
    func rollbackDropsTask() async throws {
        try await PostgresTestServer.withStore { store, configuration in
            try await createOrders(store, schema: configuration.schema)
            let logger = self.logger
            let enqueued = Mutex<TaskResultID?>(nil)
            await #expect(throws: (any Error).self) {
                try await store.client.withConnection { connection in
                    try await connection.withTransaction(logger: logger) { connection in
                        _ = try await connection.query("INSERT INTO \(unescaped: configuration.schema).app_order (id) VALUES (1)", logger: logger)
                        let id = try await store.enqueue(TaskRequest(taskName: "confirm"), on: connection).id
                        enqueued.withLock { $0 = id }
                        throw Rollback()
                    }
                }
            }
            let id = try #require(enqueued.withLock { $0 })
            await #expect(throws: OffloadError.self) { _ = try await store.record(id: id) }
            #expect(try await orderCount(store, schema: configuration.schema) == 0)
            #expect(try await store.counts() == [])
        }
    }

    @Test("an enqueue inside an open transaction is invisible to workers until it commits, then wakes them")
    func invisibleUntilCommit() async throws {
        try await PostgresTestServer.withStore { store, configuration in
            let logger = self.logger
            let wakeUps = store.wakeUps()
            let app = try await PostgresTaskStore.connect(configuration: configuration, logger: logger)
            try await app.withTransaction { connection in
                // The app's connection may use any search_path: the store qualifies its tables.
                _ = try await connection.query("SET LOCAL search_path TO pg_catalog", logger: logger)
                _ = try await app.enqueue(TaskRequest(taskName: "later"), on: connection)
                #expect(try await store.hasReadyTask(in: .all, at: Date().addingTimeInterval(1)) == false)
                #expect(try await store.complete([], thenClaim: ClaimRequest(workerID: "w1", queues: .all, limit: 1, now: Date().addingTimeInterval(1))).isEmpty)
            }
            #expect(try await store.hasReadyTask(in: .all, at: Date().addingTimeInterval(1)))
            #expect(await wakes(wakeUps), "no wake-up within 10 s of the commit")
            await app.shutdown()
        }
    }

    @Test("enqueue(batch:) stores every task or none")
    func batch() async throws {
        try await PostgresTestServer.withStore { store, _ in
            let records = try await store.enqueue(batch: (0..<5).map { TaskRequest(taskName: "t\($0)") })
            #expect(records.map(\.taskName) == ["t0", "t1", "t2", "t3", "t4"])
            await #expect(throws: OffloadError.self) {
                _ = try await store.enqueue(batch: [TaskRequest(taskName: "ok"), TaskRequest(taskName: "bad", priority: 500)])
            }
            #expect(try await store.counts() == [QueueCounts(queueName: "default", pending: 5)])
        }
    }
}
