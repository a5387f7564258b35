import Foundation
import Logging
import Offload
import OffloadPostgres
import OffloadTesting
import PostgresNIO
import Testing

@Suite("PostgreSQL workers on many hosts", .enabled(if: PostgresTestServer.isConfigured, PostgresTestServer.skipReason))
struct PostgresConcurrencyTests {
    let logger = PostgresTestServer.logger

    /// `body`'s result, or nil if it takes longer than `limit` (it is then left to finish in the background).
    func within<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T? {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
    }

    @Test("a claim skips a task another transaction holds locked instead of waiting for it")
    func claimSkipsLockedRows() async throws {
        try await PostgresTestServer.withStore { store, configuration in
            let first = try await store.enqueue(TaskRequest(taskName: "first", priority: 10))
            let second = try await store.enqueue(TaskRequest(taskName: "second"))
            let holder = try await PostgresTaskStore.connect(configuration: configuration, logger: logger)
            let logger = self.logger
            let claimedWhileLocked = try await holder.withTransaction { connection in
                // Another worker's claim in flight holds the row as this does.
                _ = try await connection.query("SELECT id FROM \(unescaped: configuration.schema).offload_task WHERE id = \(first.id.rawValue) FOR UPDATE", logger: logger).collect()
                return try await within(.seconds(10)) {
                    try await store.complete([], thenClaim: ClaimRequest(workerID: "w1", queues: .all, limit: 5)).map(\.id)
                }
            }
            #expect(claimedWhileLocked == [second.id], "the claim should return at once with the unlocked task")
            #expect(try await store.complete([], thenClaim: ClaimRequest(workerID: "w2", queues: .all, limit: 5)).map(\.id) == [first.id])
            await holder.shutdown()
        }
    }

    @Test("a stale worker's tasks are recovered by a sweep from a store on another connection, while live workers' are not")
    func recoveryAcrossHosts() async throws {
        try await PostgresTestServer.withStore { hostA, configuration in
            let hostB = try await PostgresTaskStore.connect(configuration: configuration, logger: logger)
            let now = Date()
            let held = try await hostA.enqueue(TaskRequest(taskName: "held", retry: .exponential(maxAttempts: 3)))
            let kept = try await hostB.enqueue(TaskRequest(taskName: "kept"))
            _ = try await hostA.complete([], thenClaim: ClaimRequest(workerID: "a-1", queues: .all, limit: 1))
            _ = try await hostB.complete([], thenClaim: ClaimRequest(workerID: "b-1", queues: .all, limit: 1))
            func worker(_ id: String, host: String, heartbeat: Date) -> WorkerRecord {
                WorkerRecord(id: id, host: host, pid: 100, queues: "*", state: "running", currentTaskIDs: [], tasksDone: 0, startedAt: now, heartbeatAt: heartbeat, supervisorID: "sup-\(host)")
            }
            try await hostA.heartbeat(worker("a-1", host: "host-a", heartbeat: now.addingTimeInterval(-60)))
            try await hostB.heartbeat(worker("b-1", host: "host-b", heartbeat: now))
            // Host B's supervisor cannot see host A's processes: only the heartbeat tells.
            let recovered = try await hostB.recoverStaleWorkers(staleAfter: .seconds(30), at: now) { $0.host == "host-b" }
            #expect(recovered == [RecoveredTask(id: held.id, taskName: "held", newStatus: .pending, attemptCounted: true)])
            #expect(try await hostB.record(id: kept.id).status == .running)
            #expect(try await hostA.workers().map(\.id) == ["b-1"])
            let record = try await hostA.record(id: held.id)
            #expect(record.errors.first?.message.contains("host-a") == true)
            // The vanished host's late report changes nothing.
            _ = try await hostA.complete([TaskOutcome(id: held.id, workerID: "a-1", result: .succeeded(returnValue: "1"))], thenClaim: nil)
            #expect(try await hostA.record(id: held.id).status == .pending)
            await hostB.shutdown()
        }
    }
}
