import Foundation
import Offload

/// Snoozing: an attempt that ends with "again later" goes back to PENDING without using up an attempt.
enum SnoozeChecks {
    static let all: [ConformanceCheck] = [
        ConformanceCheck("a snoozed attempt goes back to PENDING at the snooze time, its attempt given back and no error recorded") { c in
            let task = try await c.enqueue(retry: RetryPolicy(maxAttempts: 1))
            let claimed = try c.require(try await c.claim(1).first, "the task was not claimed")
            c.expectEqual(claimed.attempt, 1, "first attempt")
            let wake = Date().addingTimeInterval(300)
            try await c.complete([TaskOutcome(id: task.id, workerID: "w1", result: .snoozed(until: wake))])
            let snoozed = try await c.record(task.id)
            c.expectEqual(snoozed.status, .pending, "status after the snooze")
            c.expectEqual(snoozed.attempts, 0, "attempts after the snooze")
            c.expectEqual(snoozed.errors, [], "errors after the snooze")
            c.expect(c.same(snoozed.runAfter, wake), "run-after is the snooze time")
            c.expectEqual(try await c.claim(1).count, 0, "nothing is ready before the snooze ends")
            let again = try c.require(try await c.claim(1, now: wake.addingTimeInterval(1)).first, "the task was not claimed after the snooze")
            c.expectEqual(again.attempt, 1, "the attempt after a snooze is the first again: the only one the policy allows")
        },
        ConformanceCheck("a snooze reported by a worker that no longer owns the task changes nothing") { c in
            let task = try await c.enqueue()
            _ = try c.require(try await c.claim(1, worker: "w1").first, "the task was not claimed")
            try await c.complete([TaskOutcome(id: task.id, workerID: "someone-else", result: .snoozed(until: Date().addingTimeInterval(300)))])
            let record = try await c.record(task.id)
            c.expectEqual(record.status, .running, "status")
            c.expectEqual(record.attempts, 1, "attempts")
        },
    ]
}
