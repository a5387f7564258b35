import Foundation
import Offload
import OffloadProcessTesting
import OffloadSupervisor
import OffloadTesting
import Testing

@Suite("Faults: another process holds the database's write lock", .serialized)
struct LockHeldTests {
    /// The lock outlasts the heartbeat timeout (3 s here) and the store's busy timeout (5 s), as a long
    /// application transaction or a slow migration may. A worker waiting for it is not hung, and a worker
    /// that cannot start because of it is not a broken build: neither may cost a task or halt the queue.
    @Test("a write lock held for 12 s kills no worker, loses no task, and the workers started meanwhile come up once it is released")
    func longWriteLockIsWaitedOut() async throws {
        let supervisor = try await SupervisorProcess.start(
            queues: ["default": 1],
            environment: ["OFFLOAD_STARTUP_FAILURE_LIMIT": "2", "OFFLOAD_RESTART_BACKOFF_MAX": "1"])
        try await supervisor.waitUntilReady()
        let firstWorker = try #require(try supervisor.status().workers.first?.pid)
        let ids = try (0..<10).map { try supervisor.enqueue("test.record", arguments: #"{"label": "t\#($0)", "sleepMilliseconds": 100}"#) }
        try await waitUntil("the worker to be busy") { supervisor.runs().count >= 2 }

        let lock = try DatabaseWriteLock(path: supervisor.database)
        // A new worker now starts against the locked database.
        _ = try ControlClient.send(.scale(["default": 2]), to: supervisor.controlSocket)
        // The fault lasts 12 s; meanwhile the supervisor keeps answering and halts nothing.
        let end = ContinuousClock.now + .seconds(12)
        while ContinuousClock.now < end {
            let status = try supervisor.status()
            #expect(status.queues.allSatisfy { $0.halted == nil }, "no queue halts while the lock is held: \(status.queues)")
            try await Task.sleep(for: .milliseconds(500))
        }
        lock.release()

        let audit = try await supervisor.explainingTimeout { try await auditWhenFinished(ids, in: supervisor.store) }
        #expect(audit.failures.isEmpty, "\(audit)")
        #expect(Set(supervisor.runs().filter { $0.hasPrefix("t") }) == Set((0..<ids.count).map { "t\($0)" }))
        #expect(ids.allSatisfy { (try? supervisor.record($0).attempts) == 1 }, "each task ran once")
        try await supervisor.waitUntilReady()
        let workers = try supervisor.status().workers
        #expect(workers.count == 2)
        #expect(workers.contains { $0.pid == firstWorker }, "the worker that waited for the lock was kept")
        #expect(!supervisor.logContains("worker is hung"), "\(supervisor.log.filter { $0.contains("hung") || $0.contains("heartbeat") })")
        #expect(!supervisor.logContains("halted"))

        #expect(await supervisor.stop() == .exited(0))
        #expect(livePIDs(mentioning: supervisor.directory.path).isEmpty)
    }

    /// A worker that cannot open the database (here its directory is gone, for a while) exits 69 during
    /// start-up. That is the database's fault, not the worker's: it must not count toward halting the queue.
    @Test("workers that cannot open a missing database back off without halting the queue, and start once it is back")
    func missingDatabaseDoesNotHaltTheQueue() async throws {
        let supervisor = try await SupervisorProcess.start(
            queues: ["default": 1],
            environment: ["OFFLOAD_STARTUP_FAILURE_LIMIT": "2", "OFFLOAD_RESTART_BACKOFF_MAX": "1"])
        try await supervisor.waitUntilReady()
        let path = supervisor.directory.path
        let away = path + ".away"
        try FileManager.default.moveItem(atPath: path, toPath: away)
        let restore = { try? FileManager.default.moveItem(atPath: away, toPath: path) }
        defer { _ = restore() }
        // The worker's replacements now start and meet a missing database.
        let worker = try #require(try? ControlClient.send(.status, to: away + "/ctl.sock").status?.workers.first?.pid)
        kill(worker, SIGKILL)
        let status = try await supervisor.explainingTimeout {
            try await waitFor("three start-ups to fail on the missing database, or the queue to halt", timeout: .seconds(30)) {
                let status = try #require(ControlClient.send(.status, to: away + "/ctl.sock").status)
                let failures = supervisor.log.filter { $0.contains("worker died: exited with status 69") }.count
                return failures >= 3 || status.queues.contains { $0.halted != nil } ? status : nil
            }
        }
        #expect(status.queues.allSatisfy { $0.halted == nil }, "\(status.queues)")
        _ = restore()

        try await supervisor.waitUntilReady()
        let id = try supervisor.enqueue("test.record", arguments: #"{"label": "after"}"#)
        #expect(try await supervisor.waitForStatus(id, [.successful]).status == .successful)
        #expect(!supervisor.logContains("halted"))
        #expect(await supervisor.stop() == .exited(0))
        #expect(livePIDs(mentioning: path).isEmpty)
    }
}
