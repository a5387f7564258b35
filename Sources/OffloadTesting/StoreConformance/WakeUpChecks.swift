import Foundation
import Offload

/// Idle workers sleep on ``TaskStore/wakeUps()``: these say when it must ring.
enum WakeUpChecks {
    static let all: [ConformanceCheck] = [
        ConformanceCheck("an enqueue through another connection wakes the wake-up stream") { c in
            let wakeUps = c.store.wakeUps()
            let other = try await c.subject.openAnother()
            _ = try await other.enqueue(TaskRequest(taskName: "t"))
            c.expect(await wakes(wakeUps), "no wake-up within 10 s of an enqueue by another connection")
        },
        ConformanceCheck("a failed attempt sent back to PENDING for a retry wakes the wake-up stream") { c in
            // The probe proves the enqueue's own wake-up has been delivered before the stream under test exists.
            let probe = c.store.wakeUps()
            let task = try await c.enqueue(retry: .exponential(maxAttempts: 2))
            c.expect(await wakes(probe), "no wake-up within 10 s of an enqueue")
            _ = try c.require(try await c.claim(1).first, "the task was not claimed")
            let wakeUps = c.store.wakeUps()
            let other = try await c.subject.openAnother()
            _ = try await other.complete([TaskOutcome(id: task.id, workerID: "w1", result: .failed(c.attemptError(), retryAt: Date()))], thenClaim: nil)
            c.expect(await wakes(wakeUps), "no wake-up within 10 s of a retry")
        },
        ConformanceCheck("a manual retry wakes the wake-up stream") { c in
            let probe = c.store.wakeUps()
            let done = try await c.finish(1, at: Date(), failed: true)
            c.expect(await wakes(probe), "no wake-up within 10 s of an enqueue")
            let wakeUps = c.store.wakeUps()
            let other = try await c.subject.openAnother()
            _ = try await other.retry(id: done[0], at: Date())
            c.expect(await wakes(wakeUps), "no wake-up within 10 s of a manual retry")
        },
    ]
}
