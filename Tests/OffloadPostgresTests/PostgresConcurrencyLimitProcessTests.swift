import Foundation
import Offload
import OffloadPostgres
import OffloadSupervisor
import OffloadTesting
import Testing

@Suite("A concurrency limit across two supervisors on PostgreSQL", .enabled(if: PostgresTestServer.isConfigured, PostgresTestServer.skipReason), .serialized)
struct PostgresConcurrencyLimitProcessTests {
    /// Two supervisors ("hosts") with three workers each claim concurrently on their own connections: the
    /// per-key advisory lock must keep their claims from each counting RUNNING rows without the other's.
    @Test("a limit of 2 is never exceeded while 200 limited tasks drain through 6 workers of two supervisors")
    func limitHoldsAcrossSupervisors() async throws {
        let schema = PostgresTestServer.uniqueSchema()
        let database = try #require(PostgresTestServer.url) + "&schema=" + schema
        let directory = TemporaryDirectory("offload-pg-limit")
        let store = try await PostgresTaskStore.connect(configuration: PostgresTestServer.configuration(schema: schema), logger: PostgresTestServer.logger)
        defer { Task { await PostgresTestServer.dropSchema(schema, using: store); await store.shutdown() } }

        var supervisors: [ChildProcess] = []
        defer { for supervisor in supervisors { _ = supervisor.send(SIGKILL) } }
        for name in ["host-a", "host-b"] {
            var environment = ProcessInfo.processInfo.environment
            environment["NOTIFY_SOCKET"] = nil
            supervisors.append(try await ChildProcess.spawn(SpawnRequest(
                executable: BuiltProducts.path(of: "supervisor"),
                arguments: [
                    "--database", database, "--worker", BuiltProducts.path(of: "TestWorker"),
                    "--control-socket", directory.file("\(name).sock"),
                    "--queues", "default", "--workers", "default=3",
                    "--heartbeat-interval", "0.2", "--log-color", "never", "--no-reload",
                ],
                environment: environment, workingDirectory: directory.path, output: .pipe)))
        }
        try await waitUntil("six registered workers", timeout: .seconds(60)) { try await store.workers().count == 6 }

        let requests = (0..<200).map { _ in
            TaskRequest(taskName: "test.limited-span", arguments: #"{"sleepMilliseconds": 5}"#, concurrency: .init(key: "test.limited-span", limit: 2))
        }
        let ids = Set(try await store.enqueue(batch: requests).map(\.id))
        try await waitUntil("every limited task to finish", timeout: .seconds(120), interval: .milliseconds(100)) {
            try await store.counts().first.map { $0.pending == 0 && $0.running == 0 } ?? false
        }
        let records = try await store.records(matching: TaskFilter(limit: 300)).filter { ids.contains($0.id) }
        #expect(records.count == 200)
        #expect(records.allSatisfy { $0.status == .successful })
        var events: [(Double, Int)] = []
        for record in records {
            let text = try JSONDecoder().decode(String.self, from: Data((record.returnValue ?? "\"\"").utf8))
            let parts = text.split(separator: " ").compactMap { Double($0) }
            try #require(parts.count == 2, "return value \(text)")
            events += [(parts[0], 1), (parts[1], -1)]
        }
        events.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        var open = 0
        var peak = 0
        for (_, change) in events {
            open += change
            peak = max(peak, open)
        }
        #expect(peak <= 2, "at most 2 tasks of the key may run at once; \(peak) did")
        let hosts = Set(records.compactMap(\.workerIDs.last).map { $0.split(separator: "@").last.map(String.init) ?? $0 })
        print("limit of 2 over two supervisors: peak \(peak), worker ids' suffixes \(hosts.sorted())")
    }
}
