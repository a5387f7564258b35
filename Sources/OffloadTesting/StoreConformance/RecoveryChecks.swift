import Foundation
import Offload

/// Settling the tasks of a worker that is gone.
enum RecoveryChecks {
    static let all: [ConformanceCheck] = [
        ConformanceCheck("a started task of a lost worker is retried when its policy allows, with the reason and traceback recorded") { c in
            let task = try await c.enqueue(retry: .exponential(maxAttempts: 2, initial: .seconds(10), jitter: 0))
            _ = try await c.claim(1, worker: "w1")
            let now = Date()
            let loss = WorkerLoss(workerID: "w1", exceptionType: TaskFailureKind.workerDied, message: "worker w1 was killed by signal 9", traceback: "Fatal error: boom", startedTaskIDs: [task.id])
            let recovered = try await c.store.recoverTasks(of: loss, at: now)
            c.expectEqual(recovered, [RecoveredTask(id: task.id, taskName: "t", newStatus: .pending, attemptCounted: true)], "recovered tasks")
            let record = try await c.record(task.id)
            c.expectEqual(record.status, .pending, "status")
            c.expectEqual(record.attempts, 1, "attempts")
            c.expectEqual(record.errors.map(\.message), ["worker w1 was killed by signal 9"], "error messages")
            c.expectEqual(record.errors.first?.exceptionType, TaskFailureKind.workerDied, "error type")
            c.expectEqual(record.errors.first?.traceback, "Fatal error: boom", "traceback")
            c.expectEqual(record.errors.first?.workerID, "w1", "worker of the failed attempt")
            c.expectEqual(record.errors.first?.attempt, 1, "attempt of the error")
            c.expect(c.same(record.runAfter, now.addingTimeInterval(10)), "the retry should wait the policy's backoff (10 s): run-after is \(record.runAfter), now \(now)")
        },
        ConformanceCheck("a started task with no attempt left ends FAILED") { c in
            let task = try await c.enqueue()
            _ = try await c.claim(1, worker: "w1")
            let now = Date()
            let recovered = try await c.store.recoverTasks(of: WorkerLoss(workerID: "w1", exceptionType: TaskFailureKind.workerDied, message: "gone"), at: now)
            c.expectEqual(recovered.map(\.newStatus), [.failed], "recovered statuses")
            let record = try await c.record(task.id)
            c.expectEqual(record.status, .failed, "status")
            c.expect(c.same(record.finishedAt, now), "finished_at should be the recovery time")
            c.expectEqual(record.errors.map(\.exceptionType), [TaskFailureKind.workerDied], "error types")
        },
        ConformanceCheck("a claimed task the worker never started goes back to PENDING without using an attempt") { c in
            let started = try await c.enqueue()
            let unstarted = try await c.enqueue()
            _ = try await c.claim(2, worker: "w1")
            let loss = WorkerLoss(workerID: "w1", exceptionType: TaskFailureKind.workerDied, message: "gone", startedTaskIDs: [started.id])
            let recovered = try await c.store.recoverTasks(of: loss, at: Date())
            c.expectEqual(
                Set(recovered.map { "\($0.id):\($0.newStatus):\($0.attemptCounted)" }),
                ["\(started.id):FAILED:true", "\(unstarted.id):PENDING:false"], "recovered tasks")
            let record = try await c.record(unstarted.id)
            c.expectEqual(record.status, .pending, "status of the unstarted task")
            c.expectEqual(record.attempts, 0, "attempts of the unstarted task")
            c.expectEqual(record.workerIDs, [], "workers of the unstarted task")
            c.expectEqual(record.startedAt, nil, "started_at of the unstarted task")
            c.expectEqual(record.errors, [], "errors of the unstarted task")
            c.expectEqual(try await c.record(started.id).status, .failed, "status of the started task")
        },
        ConformanceCheck("when nobody knows which tasks were started, every held task counts as started") { c in
            let a = try await c.enqueue(retry: .exponential(maxAttempts: 2))
            let b = try await c.enqueue()
            _ = try await c.claim(2, worker: "w1")
            let recovered = try await c.store.recoverTasks(of: WorkerLoss(workerID: "w1", exceptionType: TaskFailureKind.workerLost, message: "lost", startedTaskIDs: nil), at: Date())
            c.expect(recovered.allSatisfy(\.attemptCounted), "every task should count its attempt: \(recovered)")
            c.expectEqual(try await c.record(a.id).status, .pending, "status of the task with an attempt left")
            c.expectEqual(try await c.record(b.id).status, .failed, "status of the task without one")
        },
        ConformanceCheck("without a witness, a task claimed as prefetched goes back to PENDING untouched, and one claimed to start at once counts its attempt") { c in
            let first = try await c.enqueue(priority: 10)
            let prefetched = try await c.enqueue()
            let claimed = try await c.store.complete([], thenClaim: ClaimRequest(workerID: "w1", queues: .all, limit: 2, startingAtOnce: 1))
            c.expectEqual(claimed.map(\.id), [first.id, prefetched.id], "claimed tasks, in the order the worker starts them")
            let recovered = try await c.store.recoverTasks(of: WorkerLoss(workerID: "w1", exceptionType: TaskFailureKind.workerLost, message: "lost", startedTaskIDs: nil), at: Date())
            c.expectEqual(
                Set(recovered.map { "\($0.id):\($0.newStatus):\($0.attemptCounted)" }),
                ["\(first.id):FAILED:true", "\(prefetched.id):PENDING:false"], "recovered tasks")
            let record = try await c.record(prefetched.id)
            c.expectEqual(record.attempts, 0, "attempts of the prefetched task")
            c.expectEqual(record.workerIDs, [], "workers of the prefetched task")
            c.expectEqual(record.errors, [], "errors of the prefetched task")
        },
        ConformanceCheck("a sweep of a vanished host's worker puts its prefetched tasks back untouched") { c in
            let running = try await c.enqueue(priority: 10)
            let prefetched = try await c.enqueue()
            _ = try await c.store.complete([], thenClaim: ClaimRequest(workerID: "far", queues: .all, limit: 2, startingAtOnce: 1))
            let now = Date()
            try await c.store.heartbeat(c.worker("far", heartbeat: now.addingTimeInterval(-120)))
            let recovered = try await c.store.recoverStaleWorkers(staleAfter: .seconds(30), at: now) { _ in true }
            c.expectEqual(
                Set(recovered.map { "\($0.id):\($0.newStatus):\($0.attemptCounted)" }),
                ["\(running.id):FAILED:true", "\(prefetched.id):PENDING:false"], "recovered tasks")
            c.expectEqual(try await c.record(prefetched.id).errors, [], "errors of the prefetched task")
            c.expectEqual(try await c.record(running.id).errors.map(\.exceptionType), [TaskFailureKind.workerLost], "error of the running task")
        },
        ConformanceCheck("a task-specific reason replaces the worker-wide one in that task's error") { c in
            let slow = try await c.enqueue("slow")
            let bystander = try await c.enqueue("bystander")
            _ = try await c.claim(2, worker: "w1")
            let loss = WorkerLoss(
                workerID: "w1", exceptionType: TaskFailureKind.workerDied, message: "killed after a time limit",
                taskReasons: [slow.id: WorkerLoss.Reason(exceptionType: TaskFailureKind.timedOut, message: "slow ran past its 5 s limit")])
            _ = try await c.store.recoverTasks(of: loss, at: Date())
            c.expectEqual(try await c.record(slow.id).errors.map(\.exceptionType), [TaskFailureKind.timedOut], "error type of the slow task")
            c.expectEqual(try await c.record(slow.id).errors.map(\.message), ["slow ran past its 5 s limit"], "error message of the slow task")
            c.expectEqual(try await c.record(bystander.id).errors.map(\.message), ["killed after a time limit"], "error message of the bystander")
        },
        ConformanceCheck("recovery touches only the lost worker's RUNNING tasks") { c in
            let mine = try await c.enqueue()
            let theirs = try await c.enqueue()
            let done = try await c.enqueue()
            _ = try await c.claim(1, worker: "lost")
            _ = try await c.claim(1, worker: "alive")
            _ = try await c.claim(1, worker: "lost")
            try await c.complete([TaskOutcome(id: done.id, workerID: "lost", result: .succeeded(returnValue: "1"))])
            let recovered = try await c.store.recoverTasks(of: WorkerLoss(workerID: "lost", exceptionType: TaskFailureKind.workerDied, message: "gone"), at: Date())
            c.expectEqual(recovered.map(\.id), [mine.id], "recovered tasks")
            c.expectEqual(try await c.record(theirs.id).status, .running, "status of another worker's task")
            c.expectEqual(try await c.record(done.id).status, .successful, "status of a finished task")
            c.expectEqual(try await c.store.recoverTasks(of: WorkerLoss(workerID: "lost", exceptionType: TaskFailureKind.workerDied, message: "again"), at: Date()), [], "a second recovery")
        },
        ConformanceCheck("releasing unstarted tasks gives them back uncounted, and only for the worker that holds them") { c in
            let task = try await c.enqueue()
            _ = try await c.claim(1, worker: "w1")
            try await c.store.releaseUnstarted([task.id], workerID: "other")
            c.expectEqual(try await c.record(task.id).status, .running, "status after another worker's release")
            try await c.store.releaseUnstarted([task.id], workerID: "w1")
            let record = try await c.record(task.id)
            c.expectEqual(record.status, .pending, "status after the release")
            c.expectEqual(record.attempts, 0, "attempts after the release")
            c.expectEqual(record.workerIDs, [], "workers after the release")
            c.expectEqual(record.startedAt, nil, "started_at after the release")
            let again = try c.require(try await c.claim(1, worker: "w2").first, "the released task was not claimed again")
            c.expectEqual(again.attempt, 1, "attempt number of the next claim")
        },
    ]
}
