import Foundation
import Offload
import OffloadSQLite
import OffloadTesting
import Testing

@Suite("Recovering tasks of lost workers")
struct RecoveryTests {
    @Test("a started task of a dead worker is retried when its policy allows, with the reason recorded")
    func startedTaskIsRetried() async throws {
        let fixture = try StoreFixture()
        let task = try fixture.enqueue(retry: .exponential(maxAttempts: 2, initial: .milliseconds(1)))
        _ = try fixture.claim(1, worker: "w1")
        let loss = WorkerLoss(workerID: "w1", exceptionType: TaskFailureKind.workerDied, message: "worker w1 was killed by signal 9", traceback: "Fatal error: boom", startedTaskIDs: [task.id])
        let recovered = try await fixture.store.recoverTasks(of: loss, at: Date())
        #expect(recovered == [RecoveredTask(id: task.id, taskName: "t", newStatus: .pending, attemptCounted: true)])
        let record = try fixture.record(task.id)
        #expect(record.status == .pending)
        #expect(record.attempts == 1)
        #expect(record.errors.first?.message == "worker w1 was killed by signal 9")
        #expect(record.errors.first?.traceback == "Fatal error: boom")
    }

    @Test("a started task with no attempt left ends FAILED")
    func startedTaskWithoutAttemptsFails() async throws {
        let fixture = try StoreFixture()
        let task = try fixture.enqueue()
        _ = try fixture.claim(1, worker: "w1")
        _ = try await fixture.store.recoverTasks(of: WorkerLoss(workerID: "w1", exceptionType: TaskFailureKind.workerDied, message: "gone"), at: Date())
        let record = try fixture.record(task.id)
        #expect(record.status == .failed)
        #expect(record.finishedAt != nil)
        #expect(record.errors.map(\.exceptionType) == [TaskFailureKind.workerDied])
    }

    @Test("a claimed task the worker never started goes back to PENDING without using an attempt")
    func unstartedTaskIsReleased() async throws {
        let fixture = try StoreFixture()
        let started = try fixture.enqueue()
        let unstarted = try fixture.enqueue()
        _ = try fixture.claim(2, worker: "w1")
        let loss = WorkerLoss(workerID: "w1", exceptionType: TaskFailureKind.workerDied, message: "gone", startedTaskIDs: [started.id])
        _ = try await fixture.store.recoverTasks(of: loss, at: Date())
        let record = try fixture.record(unstarted.id)
        #expect(record.status == .pending)
        #expect(record.attempts == 0)
        #expect(record.workerIDs.isEmpty)
        #expect(record.errors.isEmpty)
        #expect(try fixture.record(started.id).status == .failed)
    }

    @Test("tasks of a worker whose heartbeat went stale are recovered; a live worker's are not")
    func staleWorkersAreRecovered() async throws {
        let fixture = try StoreFixture()
        let stale = try fixture.enqueue()
        let live = try fixture.enqueue()
        let now = Date()
        _ = try fixture.claim(1, worker: "stale")
        _ = try fixture.claim(1, worker: "live")
        func worker(_ id: String, heartbeat: Date) -> WorkerRecord {
            WorkerRecord(id: id, host: "h", pid: 1, queues: "*", state: "running", currentTaskIDs: [], tasksDone: 0, startedAt: now, heartbeatAt: heartbeat, supervisorID: nil)
        }
        try await fixture.store.heartbeat(worker("stale", heartbeat: now.addingTimeInterval(-120)))
        try await fixture.store.heartbeat(worker("live", heartbeat: now))
        let recovered = try await fixture.store.recoverStaleWorkers(staleAfter: .seconds(30), at: now) { _ in true }
        #expect(recovered.map(\.id) == [stale.id])
        #expect(try fixture.record(live.id).status == .running)
        #expect(try await fixture.store.workers().map(\.id) == ["live"])
    }

    @Test("a task held by a worker that never registered is recovered as orphaned")
    func orphanedTasksAreRecovered() async throws {
        let fixture = try StoreFixture()
        let task = try fixture.enqueue()
        _ = try fixture.claim(1, worker: "ghost")
        let recovered = try await fixture.store.recoverStaleWorkers(staleAfter: .seconds(30), at: Date()) { _ in true }
        #expect(recovered.map(\.id) == [task.id])
        #expect(try fixture.record(task.id).errors.first?.exceptionType == TaskFailureKind.workerLost)
    }

    @Test("a manual retry puts a FAILED task back with a fresh set of attempts")
    func manualRetry() async throws {
        let fixture = try StoreFixture()
        let task = try fixture.enqueue()
        _ = try fixture.claim(1)
        _ = try fixture.store.completeAndClaim([TaskOutcome(id: task.id, workerID: "w1", result: .failed(TaskAttemptError(exceptionType: "E", message: "m", attempt: 1, workerID: "w1"), retryAt: nil))], claim: nil)
        let retried = try await fixture.store.retry(id: task.id, at: Date())
        #expect(retried.status == .pending)
        #expect(retried.retry.maxAttempts - retried.attempts == 1)
        #expect(retried.finishedAt == nil)
        await #expect(throws: OffloadError.self) { try await fixture.store.retry(id: task.id, at: Date()) }
    }
}
