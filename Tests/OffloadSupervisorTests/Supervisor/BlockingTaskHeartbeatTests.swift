import Foundation
import Offload
import OffloadProcessTesting
import OffloadSupervisor
import OffloadTesting
import Testing

/// Data crunching in a task body (or any call that blocks its thread) holds a thread of Swift's cooperative
/// pool, which has one per core; at a concurrency that fills the pool, nothing else of the worker runs on it
/// until a task ends. That is a busy worker, not a hung one, and it must still hear a cancel request.
@Suite("Supervisor: a worker whose tasks block every thread of its pool")
struct BlockingTaskHeartbeatTests {
    /// As many tasks as the pool has threads, each blocking its thread for `seconds`; returns their ids once
    /// all of them run, the moment the last one started, and the worker.
    private func fillThePool(of supervisor: SupervisorProcess, seconds: Int) async throws -> (ids: [TaskResultID], lastStart: Date, worker: SupervisorStatus.Worker) {
        let threads = ProcessInfo.processInfo.activeProcessorCount
        // One transaction, so that the worker claims them all at once.
        let ids = try supervisor.store.enqueue(batch: (0..<threads).map { _ in
            TaskRequest(taskName: "test.block", arguments: #"{"seconds": \#(seconds)}"#)
        }).map(\.id)
        let records = try await waitFor("every blocking task to start") {
            let records = try ids.map { try supervisor.record($0) }
            return records.allSatisfy { $0.status == .running && $0.startedAt != nil } ? records : nil
        }
        let worker = try #require(try supervisor.worker(running: ids[0]))
        return (ids, records.compactMap(\.startedAt).max()!, worker)
    }

    @Test("a worker running as many blocking tasks as its pool has threads keeps beating: not killed as hung, its registry heartbeat stays fresh, every task succeeds")
    func blockingTasksAreNotHung() async throws {
        // The harness's heartbeat timeout is 3 s and workers record a registry heartbeat every 5 s:
        // each task blocks its thread for longer than both.
        let supervisor = try await SupervisorProcess.start(arguments: ["--concurrency", "\(ProcessInfo.processInfo.activeProcessorCount)"])
        let before = try await supervisor.waitUntilReady()
        let (ids, lastStart, worker) = try await fillThePool(of: supervisor, seconds: 8)

        let beat = try await waitFor("a registry heartbeat recorded after every task had started", timeout: .seconds(30)) {
            try await supervisor.store.workers().first { $0.pid == worker.pid && $0.heartbeatAt > lastStart }
        }
        let stillRunning = try ids.map { try supervisor.record($0).status }
        #expect(stillRunning.allSatisfy { $0 == .running }, "the heartbeat at \(beat.heartbeatAt) came while the tasks blocked the pool: \(stillRunning)")

        for id in ids {
            let record = try await supervisor.waitForStatus(id, [.successful, .failed])
            #expect(record.status == .successful, "\(record.errors)")
        }
        #expect(!supervisor.log.contains { $0.contains("is hung") })
        let after = try await supervisor.waitUntilReady()
        #expect(after.workers.map(\.pid) == before.workers.map(\.pid))
    }

    @Test("a cancel request reaches a worker whose pool is full of blocking tasks: the worker is killed after the grace and the task ends CANCELLED")
    func cancelReachesABlockedPool() async throws {
        let supervisor = try await SupervisorProcess.start(arguments: [
            "--concurrency", "\(ProcessInfo.processInfo.activeProcessorCount)", "--timeout-grace", "0.5",
        ])
        try await supervisor.waitUntilReady()
        let (ids, _, worker) = try await fillThePool(of: supervisor, seconds: 60)

        _ = try await supervisor.store.cancel([ids[0]], by: "test-operator", at: Date())
        let cancelled = try await supervisor.waitForStatus(ids[0], [.cancelled, .failed, .successful, .pending], timeout: .seconds(30))
        #expect(cancelled.status == .cancelled, "\(cancelled)")
        try await supervisor.waitForLog("ignored its cancellation")
        #expect(processIsGone(worker.pid))
    }
}
