import Foundation
import Offload

/// What the admin CLI relies on: listing, counting, retrying, and reading rows it did not write.
enum AdminChecks {
    static let all: [ConformanceCheck] = [
        ConformanceCheck("a manual retry puts a FAILED task back to PENDING with a fresh set of attempts") { c in
            let task = try await c.enqueue(retry: .exponential(maxAttempts: 2))
            for attempt in 1...2 {
                _ = try c.require(try await c.claim(1, now: Date().addingTimeInterval(3600)).first, "attempt \(attempt) was not claimed")
                try await c.complete([TaskOutcome(id: task.id, workerID: "w1", result: .failed(c.attemptError(attempt: attempt), retryAt: attempt == 1 ? Date() : nil))])
            }
            c.expectEqual(try await c.record(task.id).status, .failed, "status before the retry")
            let now = Date()
            let retried = try await c.store.retry(id: task.id, at: now)
            c.expectEqual(retried.status, .pending, "status after the retry")
            c.expectEqual(retried.retry.maxAttempts - retried.attempts, 2, "attempts left after the retry")
            c.expectEqual(retried.finishedAt, nil, "finished_at after the retry")
            c.expectEqual(retried.errors.count, 2, "errors kept from earlier attempts")
            c.expect(c.same(retried.runAfter, now), "run-after should be the retry time")
            c.expectEqual(try await c.record(task.id), retried, "the record read back")
            let claimed = try c.require(try await c.claim(1).first, "the retried task was not claimed")
            c.expectEqual(claimed.attempt, 3, "attempt number after the retry")
        },
        ConformanceCheck("only FAILED tasks can be retried; an unknown id is reported as not found") { c in
            let pending = try await c.enqueue()
            await c.expectError(.notRetryable, containing: "PENDING", "retrying a PENDING task") {
                _ = try await c.store.retry(id: pending.id, at: Date())
            }
            let done = try await c.finish(1, at: Date(), queue: "done")
            await c.expectError(.notRetryable, containing: "SUCCESSFUL", "retrying a SUCCESSFUL task") {
                _ = try await c.store.retry(id: done[0], at: Date())
            }
            await c.expectError(.resultNotFound, "retrying an unknown id") {
                _ = try await c.store.retry(id: 987_654_321, at: Date())
            }
            await c.expectError(.resultNotFound, "reading an unknown id") {
                _ = try await c.store.record(id: 987_654_321)
            }
        },
        ConformanceCheck("lists tasks matching a filter, newest first, up to the limit") { c in
            var emails: [TaskResultID] = []
            for index in 0..<4 { emails.append(try await c.enqueue("Mail.Send", queue: "email", priority: index).id) }
            let report = try await c.enqueue("Report.Build", queue: "reports")
            _ = try await c.claim(1, queues: .named(["reports"]))
            c.expectEqual(try await c.store.records(matching: TaskFilter()).map(\.id), [report.id] + emails.reversed(), "every task")
            c.expectEqual(try await c.store.records(matching: TaskFilter(queueName: "email", limit: 2)).map(\.id), [emails[3], emails[2]], "two newest in email")
            c.expectEqual(try await c.store.records(matching: TaskFilter(status: .running)).map(\.id), [report.id], "running tasks")
            c.expectEqual(try await c.store.records(matching: TaskFilter(taskName: "Mail.Send", limit: 10)).count, 4, "tasks named Mail.Send")
            c.expectEqual(try await c.store.records(matching: TaskFilter(status: .pending, queueName: "reports")).map(\.id), [], "pending reports")
        },
        ConformanceCheck("counts tasks per queue and status") { c in
            for _ in 0..<3 { try await c.enqueue(queue: "email") }
            _ = try await c.claim(1, queues: .named(["email"]))
            _ = try await c.finish(2, at: Date(), queue: "reports")
            _ = try await c.finish(1, at: Date(), failed: true, queue: "reports")
            c.expectEqual(try await c.store.counts(), [
                QueueCounts(queueName: "email", pending: 2, running: 1),
                QueueCounts(queueName: "reports", successful: 2, failed: 1),
            ], "counts")
        },
        ConformanceCheck("a row with malformed errors is reported with its id instead of crashing") { c in
            guard let corrupt = c.subject.corruptErrors else { return }
            let task = try await c.enqueue()
            let healthy = try await c.enqueue()
            try await corrupt(task.id)
            await c.expectError(.invalidStoredRow, containing: "Task \(task.id)", "reading the damaged row") {
                _ = try await c.record(task.id)
            }
            c.expectEqual(try await c.record(healthy.id).status, .pending, "a healthy row next to it")
        },
    ]
}
