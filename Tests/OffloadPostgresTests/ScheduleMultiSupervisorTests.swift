import Foundation
import Offload
import OffloadPostgres
import OffloadSupervisor
import OffloadTesting
import Testing

@Suite("Periodic tasks from several supervisors on PostgreSQL", .enabled(if: PostgresTestServer.isConfigured, PostgresTestServer.skipReason), .serialized)
struct ScheduleMultiSupervisorTests {
    /// The supervisor has no host-name setting: separate processes stand in for separate hosts (each its own
    /// connections and clock reading; the slot's primary key is all they share).
    @Test("two supervisors on PostgreSQL enqueue each one-second slot exactly once, and none is missed when one is SIGKILLed")
    func twoSupervisorsOneEnqueuePerSlot() async throws {
        let schema = PostgresTestServer.uniqueSchema()
        let database = try #require(PostgresTestServer.url) + "&schema=" + schema
        let directory = TemporaryDirectory("offload-pg-schedule")
        let config = directory.file("offload.conf")
        try Data(#"schedule.tick = task=test.record; every=1; arguments={"label": "tick"}"#.utf8 + [10]).write(to: URL(fileURLWithPath: config))
        chmod(config, 0o600)
        let store = try await PostgresTaskStore.connect(configuration: PostgresTestServer.configuration(schema: schema), logger: PostgresTestServer.logger)
        defer { Task { await PostgresTestServer.dropSchema(schema, using: store); await store.shutdown() } }

        var environment = ProcessInfo.processInfo.environment
        environment["OFFLOAD_TEST_RUN_LOG"] = directory.file("runs.log")
        environment["NOTIFY_SOCKET"] = nil
        var supervisors: [ChildProcess] = []
        for name in ["host-a", "host-b"] {
            supervisors.append(try await ChildProcess.spawn(SpawnRequest(
                executable: BuiltProducts.path(of: "supervisor"),
                arguments: [
                    "--config", config, "--database", database, "--worker", BuiltProducts.path(of: "TestWorker"),
                    "--control-socket", directory.file("\(name).sock"), "--queues", "default", "--workers", "default=1",
                    "--heartbeat-interval", "0.2", "--log-color", "never", "--no-reload",
                ],
                environment: environment, workingDirectory: directory.path, output: .pipe)))
        }
        defer { for supervisor in supervisors { _ = supervisor.send(SIGKILL) } }
        func ticks() async throws -> [TaskRecord] { try await store.records(matching: TaskFilter(taskName: "test.record", limit: 10_000)) }

        try await waitUntil("three slots enqueued", timeout: .seconds(120)) { try await ticks().count >= 3 }
        _ = supervisors[0].send(SIGKILL)
        _ = await supervisors[0].waitForExit()
        let atKill = try await ticks().count
        try await waitUntil("five more slots enqueued after the kill", timeout: .seconds(120)) { try await ticks().count >= atKill + 5 }
        _ = supervisors[1].send(SIGTERM)
        _ = await supervisors[1].waitForExit(timeout: .seconds(60))

        let slots = try await ticks().compactMap(\.runAfter).map { Int64($0.timeIntervalSince1970.rounded()) }.sorted()
        #expect(Set(slots).count == slots.count, "a slot enqueued twice: \(slots)")
        if let first = slots.first, let last = slots.last {
            #expect(last - first + 1 == Int64(slots.count), "a slot missing while a supervisor ran: \(slots)")
        }
    }
}
