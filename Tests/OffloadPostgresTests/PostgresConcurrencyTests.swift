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

    @Test("a claim skips a task another transaction holds locked instead of waiting for it")
    func claimSkipsLockedRows() async throws {
        try await PostgresTestServer.withStore { store, configuration in
            let first = try await store.enqueue(TaskRequest(taskName: "first", priority: 10))
            let second = try await store.enqueue(TaskRequest(taskName: "second"))
            let holder = try await PostgresTaskStore.connect(configuration: configuration, logger: logger)
            let logger = self.logger
            let (locked, lockedSignal) = AsyncStream.makeStream(of: Void.self)
            let (release, releaseSignal) = AsyncStream.makeStream(of: Void.self)
            // Another worker's claim in flight holds the row as this transaction does, until released.
            async let holding: Void = holder.withTransaction { connection in
                _ = try await connection.query("SELECT id FROM \(unescaped: configuration.schema).offload_task WHERE id = \(first.id.rawValue) FOR UPDATE", logger: logger).collect()
                lockedSignal.finish()
                for await _ in release {}
            }
            for await _ in locked {}
            // If the claim waited for the lock, the watchdog releases it after 60 s so the test fails instead of
            // hanging; the bound below sits far from both a skip (milliseconds) and that wait, so a stalled test
            // process cannot be mistaken for either.
            async let _: Void = {
                try? await Task.sleep(for: .seconds(60))
                releaseSignal.finish()
            }()
            let clock = ContinuousClock()
            let start = clock.now
            let claimedWhileLocked = try await store.complete([], thenClaim: ClaimRequest(workerID: "w1", queues: .all, limit: 5)).map(\.id)
            let waited = clock.now - start
            releaseSignal.finish()
            try await holding
            #expect(claimedWhileLocked == [second.id], "the claim should pass over the locked task")
            #expect(waited < .seconds(30), "the claim waited \(waited) for a locked row")
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
