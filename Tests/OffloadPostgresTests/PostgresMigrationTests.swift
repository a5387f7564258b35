import Foundation
import Offload
import OffloadPostgres
import OffloadTesting
import PostgresNIO
import Testing

@Suite("PostgreSQL schema migrations", .enabled(if: PostgresTestServer.isConfigured, PostgresTestServer.skipReason))
struct PostgresMigrationTests {
    func versions(_ store: PostgresTaskStore, schema: String) async throws -> [Int] {
        try await store.withTransaction { connection in
            try await connection.query("SELECT version FROM \(unescaped: schema).offload_schema_version ORDER BY version", logger: PostgresTestServer.logger)
                .collect().map { try $0.decode(Int.self) }
        }
    }

    @Test("processes starting at the same moment on a new schema all succeed and migrate it once")
    func concurrentStarts() async throws {
        let configuration = try PostgresTestServer.configuration()
        let stores = try await withThrowingTaskGroup(of: PostgresTaskStore.self) { group in
            for _ in 0..<6 {
                group.addTask { try await PostgresTaskStore.connect(configuration: configuration, logger: PostgresTestServer.logger) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(stores.count == 6)
        #expect(try await versions(stores[0], schema: configuration.schema) == [1, 2, 3, 4, 5, 6, 7, 8])
        // Every process can work on the tables another one created.
        for store in stores { _ = try await store.enqueue(TaskRequest(taskName: "t")) }
        #expect(try await stores[0].counts() == [QueueCounts(queueName: "default", pending: 6)])
        await PostgresTestServer.dropSchema(configuration.schema, using: stores[0])
        for store in stores { await store.shutdown() }
    }

    @Test("opening an up-to-date schema again changes nothing and keeps its tasks")
    func reopen() async throws {
        try await PostgresTestServer.withStore { store, configuration in
            let task = try await store.enqueue(TaskRequest(taskName: "kept"))
            let again = try await PostgresTaskStore.connect(configuration: configuration, logger: PostgresTestServer.logger)
            #expect(try await again.record(id: task.id).taskName == "kept")
            #expect(try await versions(again, schema: configuration.schema) == [1, 2, 3, 4, 5, 6, 7, 8])
            await again.shutdown()
        }
    }

    @Test("a schema migrated by a newer Offload is refused with a message saying to upgrade")
    func newerSchema() async throws {
        try await PostgresTestServer.withStore { store, configuration in
            try await store.withTransaction { connection in
                _ = try await connection.query("INSERT INTO \(unescaped: configuration.schema).offload_schema_version (version, summary) VALUES (99, 'from the future')", logger: PostgresTestServer.logger)
            }
            await #expect {
                _ = try await PostgresTaskStore.connect(configuration: configuration, logger: PostgresTestServer.logger)
            } throws: { error in
                let error = try #require(error as? OffloadError)
                return error.code == .invalidConfiguration && error.message.contains("version 99") && error.message.contains("Upgrade")
            }
        }
    }
}
