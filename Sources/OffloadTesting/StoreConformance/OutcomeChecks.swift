import Foundation
import Offload

/// How finished attempts are recorded.
enum OutcomeChecks {
    static let all: [ConformanceCheck] = [
        ConformanceCheck("success stores the return value; a failure with a retry time goes back to PENDING; without one, FAILED") { c in
            let ok = try await c.enqueue()
            let retried = try await c.enqueue(retry: .exponential(maxAttempts: 2))
            let failed = try await c.enqueue()
            c.expectEqual(try await c.claim(3).count, 3, "tasks claimed")
            let error = c.attemptError()
            let retryAt = Date().addingTimeInterval(30)
            let finishedAt = Date()
            try await c.complete([
                TaskOutcome(id: ok.id, workerID: "w1", result: .succeeded(returnValue: #"{"answer":42}"#), finishedAt: finishedAt),
                TaskOutcome(id: retried.id, workerID: "w1", result: .failed(error, retryAt: retryAt)),
                TaskOutcome(id: failed.id, workerID: "w1", result: .failed(error, retryAt: nil), finishedAt: finishedAt),
            ])

            let okRecord = try await c.record(ok.id)
            c.expectEqual(okRecord.status, .successful, "status of the successful task")
            c.expectEqual(okRecord.returnValue, #"{"answer":42}"#, "return value")
            c.expect(c.same(okRecord.finishedAt, finishedAt), "finished_at of the successful task")

            let retriedRecord = try await c.record(retried.id)
            c.expectEqual(retriedRecord.status, .pending, "status of the task to retry")
            c.expectEqual(retriedRecord.errors, [error], "errors of the task to retry")
            c.expect(c.same(retriedRecord.runAfter, retryAt), "run-after of the task to retry should be \(retryAt), is \(retriedRecord.runAfter)")
            c.expectEqual(retriedRecord.finishedAt, nil, "finished_at of the task to retry")

            let failedRecord = try await c.record(failed.id)
            c.expectEqual(failedRecord.status, .failed, "status of the failed task")
            c.expectEqual(failedRecord.errors, [error], "errors of the failed task")
            c.expect(c.same(failedRecord.finishedAt, finishedAt), "finished_at of the failed task")
        },
        ConformanceCheck("keeps one error per failed attempt, in order") { c in
            let task = try await c.enqueue(runAfter: Date().addingTimeInterval(-60), retry: .exponential(maxAttempts: 3))
            var expected: [TaskAttemptError] = []
            for attempt in 1...3 {
                let claimed = try c.require(try await c.claim(1).first, "attempt \(attempt) was not claimed")
                c.expectEqual(claimed.attempt, attempt, "attempt number")
                let error = c.attemptError("failure \(attempt)", attempt: attempt)
                expected.append(error)
                try await c.complete([TaskOutcome(id: task.id, workerID: "w1", result: .failed(error, retryAt: attempt < 3 ? Date().addingTimeInterval(-1) : nil))])
            }
            let record = try await c.record(task.id)
            c.expectEqual(record.errors, expected, "errors")
            c.expectEqual(record.attempts, 3, "attempts")
            c.expectEqual(record.status, .failed, "status after the last attempt")
        },
        ConformanceCheck("ignores a late report from a worker whose task was recovered") { c in
            let task = try await c.enqueue()
            _ = try await c.claim(1, worker: "w1")
            _ = try await c.store.recoverTasks(of: WorkerLoss(workerID: "w1", exceptionType: TaskFailureKind.workerDied, message: "killed"), at: Date())
            try await c.complete([TaskOutcome(id: task.id, workerID: "w1", result: .succeeded(returnValue: "1"))])
            let record = try await c.record(task.id)
            c.expectEqual(record.status, .failed, "status after the late report")
            c.expectEqual(record.returnValue, nil, "return value after the late report")
        },
        ConformanceCheck("ignores a report from a worker that does not hold the task") { c in
            let task = try await c.enqueue()
            _ = try await c.claim(1, worker: "holder")
            try await c.complete([TaskOutcome(id: task.id, workerID: "impostor", result: .succeeded(returnValue: "1"))])
            c.expectEqual(try await c.record(task.id).status, .running, "status after the impostor's report")
            let pending = try await c.enqueue()
            try await c.complete([TaskOutcome(id: pending.id, workerID: "holder", result: .failed(c.attemptError(), retryAt: nil))])
            c.expectEqual(try await c.record(pending.id).status, .pending, "status of a never-claimed task after a report")
        },
        ConformanceCheck("records finished attempts and claims the next batch in one call") { c in
            let first = try await c.enqueue(priority: 5)
            let second = try await c.enqueue()
            let third = try await c.enqueue()
            c.expectEqual(try await c.claim(1).map(\.id), [first.id], "first claim")
            let next = try await c.store.complete(
                [TaskOutcome(id: first.id, workerID: "w1", result: .succeeded(returnValue: "null"))],
                thenClaim: ClaimRequest(workerID: "w1", queues: .all, limit: 5))
            c.expectEqual(next.map(\.id), [second.id, third.id], "tasks claimed with the report")
            c.expectEqual(try await c.record(first.id).status, .successful, "status of the reported task")
        },
    ]
}
