import Foundation
import Offload

/// Bulk retry: every FAILED task matching a filter goes back to PENDING with a fresh set of attempts.
enum BulkRetryChecks {
    /// A FAILED task of `name` in `queue` whose only error has type `errorType`, failed at `finishedAt`.
    static func failed(_ c: ConformanceContext, _ name: String, queue: String, errorType: String, at finishedAt: Date) async throws -> TaskResultID {
        let task = try await c.enqueue(name, queue: queue)
        _ = try c.require(try await c.claim(1, queues: .named([queue])).first, "task \(task.id) was not claimed")
        let error = TaskAttemptError(exceptionType: errorType, message: "boom", attempt: 1, workerID: "w1", failedAt: ConformanceContext.errorTime)
        try await c.complete([TaskOutcome(id: task.id, workerID: "w1", result: .failed(error, retryAt: nil), finishedAt: finishedAt)])
        return task.id
    }

    static let all: [ConformanceCheck] = [
        ConformanceCheck("a bulk retry puts back every FAILED task matching queue, name, error type and time range, chunk by chunk, and no other") { c in
            let now = Date()
            let old = now.addingTimeInterval(-7_200)
            var matching: [TaskResultID] = []
            for _ in 0..<5 { matching.append(try await failed(c, "Mail.Send", queue: "email", errorType: "SMTPError", at: now)) }
            let otherType = try await failed(c, "Mail.Send", queue: "email", errorType: "Timeout", at: now)
            let otherQueue = try await failed(c, "Mail.Send", queue: "bulk", errorType: "SMTPError", at: now)
            let otherName = try await failed(c, "Mail.Digest", queue: "email", errorType: "SMTPError", at: now)
            let tooOld = try await failed(c, "Mail.Send", queue: "email", errorType: "SMTPError", at: old)
            let pending = try await c.enqueue("Mail.Send", queue: "email")
            let request = BulkRetryRequest(queueName: "email", taskName: "Mail.Send", errorType: "SMTPError",
                                           failedSince: now.addingTimeInterval(-60), failedUntil: now.addingTimeInterval(60),
                                           dryRun: true, now: now, chunkSize: 2)
            let listed = try await c.store.retry(matching: request)
            c.expectEqual(listed.map(\.id), matching, "the dry run lists the matching tasks in id order")
            c.expectEqual(Set(listed.map(\.taskName)), ["Mail.Send"], "listed names")
            c.expectEqual(try await c.record(matching[0]).status, .failed, "a dry run changes nothing")
            var real = request
            real.dryRun = false
            let retried = try await c.store.retry(matching: real)
            c.expectEqual(retried.map(\.id), matching, "retried tasks")
            for id in matching {
                let record = try await c.record(id)
                c.expectEqual(record.status, .pending, "task \(id) status")
                c.expectEqual(record.finishedAt, nil, "task \(id) finished_at")
                c.expectEqual(record.retry.maxAttempts - record.attempts, 1, "task \(id) attempts left")
            }
            for id in [otherType, otherQueue, otherName, tooOld] {
                c.expectEqual(try await c.record(id).status, .failed, "task \(id), outside the filter")
            }
            c.expectEqual(try await c.record(pending.id).status, .pending, "a pending task")
            c.expectEqual(try await c.store.retry(matching: real).count, 0, "a second bulk retry finds nothing")
            let byType = try await c.store.retry(matching: BulkRetryRequest(errorType: "Timeout", now: now))
            c.expectEqual(byType.map(\.id), [otherType], "retried by error type alone")
            c.expectEqual(try await c.claim(10, queues: .named(["email"])).count, 7, "the retried tasks (and the pending one) are claimable")
        },
        ConformanceCheck("a bulk retry with a chunk size below 1 is refused") { c in
            await c.expectError(.invalidOption, "chunk size 0") {
                _ = try await c.store.retry(matching: BulkRetryRequest(chunkSize: 0))
            }
        },
    ]
}
