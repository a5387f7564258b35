import Foundation
import Logging
import Offload
import OffloadPostgres
import OffloadTesting
import PostgresNIO
import Testing

@Suite("PostgreSQL notifications", .enabled(if: PostgresTestServer.isConfigured, PostgresTestServer.skipReason))
struct PostgresWakeUpTests {
    let logger = PostgresTestServer.logger

    @Test("the listener reconnects after its connection is killed, and wake-ups resume")
    func listenerReconnects() async throws {
        let name = "offload-test-\(UUID().uuidString.prefix(8))"
        try await PostgresTestServer.withStore(configure: { $0.applicationName = name }) { store, configuration in
            var otherConfiguration = configuration
            otherConfiguration.applicationName = "offload-test-killer"
            let other = try await PostgresTaskStore.connect(configuration: otherConfiguration, logger: logger)
            let logger = self.logger
            let probe = store.wakeUps()
            let killed = try await other.withTransaction { connection in
                try await connection.query("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = \(name)", logger: logger)
                    .collect().first?.decode(Int.self) ?? 0
            }
            #expect(killed >= 1)
            // Listening again wakes every stream, since notifications sent meanwhile were lost.
            #expect(await wakes(probe), "the listener did not come back within 10 s")
            let wakeUps = store.wakeUps()
            _ = try await other.enqueue(TaskRequest(taskName: "after"))
            #expect(await wakes(wakeUps), "no wake-up for an enqueue after the reconnection")
            await other.shutdown()
        }
    }

    @Test("shutting the store down finishes its wake-up streams")
    func shutdownFinishesStreams() async throws {
        let configuration = try PostgresTestServer.configuration()
        let store = try await PostgresTaskStore.connect(configuration: configuration, logger: logger)
        let wakeUps = store.wakeUps()
        await PostgresTestServer.dropSchema(configuration.schema, using: store)
        await store.shutdown()
        let ended = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                for await _ in wakeUps {}
                return true
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(10))
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        #expect(ended)
        var afterShutdown = store.wakeUps().makeAsyncIterator()
        #expect(await afterShutdown.next() == nil)
    }
}
