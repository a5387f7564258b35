import Foundation
import Offload
import OffloadSQLite
import OffloadTesting
import Testing

@Suite("Claiming and completing tasks")
struct ClaimTests {
    @Test("higher priority is claimed first, then the order of enqueueing")
    func priorityThenFIFO() throws {
        let fixture = try StoreFixture()
        let low = try fixture.enqueue("low", priority: -5)
        let first = try fixture.enqueue("first")
        let high = try fixture.enqueue("high", priority: 50)
        let second = try fixture.enqueue("second")
        let order = try (0..<4).flatMap { _ in try fixture.claim(1) }.map(\.id)
        #expect(order == [high.id, first.id, second.id, low.id])
    }

    @Test("a batch claim returns tasks in priority order")
    func batchClaimIsOrdered() throws {
        let fixture = try StoreFixture()
        let a = try fixture.enqueue(priority: 1)
        let b = try fixture.enqueue(priority: 9)
        let c = try fixture.enqueue(priority: 1)
        #expect(try fixture.claim(10).map(\.id) == [b.id, a.id, c.id])
    }

    @Test("a task is not claimed before its run-after time")
    func runAfterIsHonoured() throws {
        let fixture = try StoreFixture()
        let now = Date()
        let later = try fixture.enqueue(runAfter: now.addingTimeInterval(60))
        #expect(try fixture.claim(1, now: now).isEmpty)
        let claimed = try fixture.claim(1, now: now.addingTimeInterval(61))
        #expect(claimed.map(\.id) == [later.id])
    }

    @Test("only the selected queues are claimed from")
    func queueSelection() throws {
        let fixture = try StoreFixture()
        try fixture.enqueue(queue: "reports")
        let email = try fixture.enqueue(queue: "email")
        #expect(try fixture.claim(5, queues: .named(["email", "default"])).map(\.id) == [email.id])
    }

    @Test("claiming marks the task RUNNING, counts the attempt and records the worker")
    func claimMarksRunning() throws {
        let fixture = try StoreFixture()
        let task = try fixture.enqueue()
        let claimed = try #require(try fixture.claim(1, worker: "w7").first)
        #expect(claimed.attempt == 1)
        let record = try fixture.record(task.id)
        #expect(record.status == .running)
        #expect(record.attempts == 1)
        #expect(record.workerIDs == ["w7"])
        #expect(record.startedAt != nil && record.lastAttemptedAt != nil)
    }

    @Test("success stores the return value; failure with attempts left goes back to PENDING; without, FAILED")
    func outcomes() throws {
        let fixture = try StoreFixture()
        let ok = try fixture.enqueue()
        let retried = try fixture.enqueue(retry: .exponential(maxAttempts: 2))
        let failed = try fixture.enqueue()
        _ = try fixture.claim(3)
        let error = TaskAttemptError(exceptionType: "E", message: "boom", attempt: 1, workerID: "w1")
        let retryAt = Date().addingTimeInterval(30)
        _ = try fixture.store.completeAndClaim([
            TaskOutcome(id: ok.id, workerID: "w1", result: .succeeded(returnValue: "42")),
            TaskOutcome(id: retried.id, workerID: "w1", result: .failed(error, retryAt: retryAt)),
            TaskOutcome(id: failed.id, workerID: "w1", result: .failed(error, retryAt: nil)),
        ], claim: nil)

        let okRecord = try fixture.record(ok.id)
        #expect(okRecord.status == .successful)
        #expect(okRecord.returnValue == "42")
        #expect(okRecord.finishedAt != nil)

        let retriedRecord = try fixture.record(retried.id)
        #expect(retriedRecord.status == .pending)
        let stored = try #require(retriedRecord.errors.first)
        #expect(retriedRecord.errors.count == 1)
        #expect((stored.exceptionType, stored.message, stored.attempt, stored.workerID) == (error.exceptionType, error.message, error.attempt, error.workerID))
        #expect(abs(stored.failedAt.timeIntervalSince(error.failedAt)) < 0.001, "stored to the millisecond")
        #expect(abs(retriedRecord.runAfter.timeIntervalSince(retryAt)) < 0.001)

        let failedRecord = try fixture.record(failed.id)
        #expect(failedRecord.status == .failed)
        #expect(failedRecord.errors.map(\.message) == ["boom"])
    }

    @Test("a late report from a worker whose task was recovered changes nothing")
    func lateReportIsIgnored() async throws {
        let fixture = try StoreFixture()
        let task = try fixture.enqueue()
        _ = try fixture.claim(1, worker: "w1")
        _ = try await fixture.store.recoverTasks(of: WorkerLoss(workerID: "w1", exceptionType: TaskFailureKind.workerDied, message: "killed"), at: Date())
        _ = try fixture.store.completeAndClaim([TaskOutcome(id: task.id, workerID: "w1", result: .succeeded(returnValue: "1"))], claim: nil)
        #expect(try fixture.record(task.id).status == .failed)
    }

    @Test("concurrent claimers never claim the same task twice")
    func noDoubleClaims() async throws {
        let fixture = try StoreFixture()
        let requests = (0..<2000).map { TaskRequest(taskName: "t\($0)") }
        _ = try fixture.store.enqueue(batch: requests)
        let path = fixture.path
        let claimedIDs = try await withThrowingTaskGroup(of: [TaskResultID].self) { group in
            for worker in 0..<4 {
                group.addTask {
                    // Each claimer has its own connection pool, as separate processes would.
                    let store = try SQLiteTaskStore(path: path)
                    var ids: [TaskResultID] = []
                    while true {
                        let batch = try store.completeAndClaim([], claim: ClaimRequest(workerID: "w\(worker)", queues: .all, limit: 7))
                        if batch.isEmpty { return ids }
                        ids += batch.map(\.id)
                    }
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(claimedIDs.count == 2000)
        #expect(Set(claimedIDs).count == 2000)
    }

    @Test("hasReadyTask and nextRunAfter see only what is due in the selected queues")
    func readinessQueries() async throws {
        let fixture = try StoreFixture()
        let now = Date()
        #expect(try await fixture.store.hasReadyTask(in: .all, at: now) == false)
        try fixture.enqueue(queue: "email", runAfter: now.addingTimeInterval(10))
        #expect(try await fixture.store.hasReadyTask(in: .all, at: now) == false)
        #expect(try await fixture.store.hasReadyTask(in: .all, at: now.addingTimeInterval(11)) == true)
        #expect(try await fixture.store.hasReadyTask(in: .named(["default"]), at: now.addingTimeInterval(11)) == false)
        let next = try #require(try await fixture.store.nextRunAfter(in: .named(["email"])))
        #expect(abs(next.timeIntervalSince(now.addingTimeInterval(10))) < 0.001)
    }

    @Test("arguments over the store's size limit are refused")
    func storeSizeLimit() throws {
        let fixture = try StoreFixture { $0.maximumArgumentsSize = 16 }
        #expect {
            try fixture.store.enqueue(TaskRequest(taskName: "t", arguments: #"{"payload":"0123456789"}"#)) as TaskRecord
        } throws: { error in
            (error as? OffloadError)?.code == .argumentsTooLarge
        }
    }
}
