import Foundation
import Offload
import Testing

@Suite("Stored and typed-in numbers")
struct StoredValueTests {
    @Test("a backoff never exceeds the longest storable duration, however large the policy's numbers")
    func backoffIsBounded() {
        let absurd = RetryPolicy(maxAttempts: 5, initialBackoff: .milliseconds(20_000_000_000_000_000), maximumBackoff: .milliseconds(Int64.max))
        for attempt in [1, 2, 40, Int.max] {
            let wait = absurd.backoff(afterAttempt: attempt, random: 1)
            #expect(wait <= StoredTaskValues.maximumDuration, "attempt \(attempt): \(wait)")
            // The retry time must still be storable: Date arithmetic then conversion to microseconds.
            #expect(Date().addingTimeInterval(wait.seconds) < StoredTaskValues.runAfterRange.upperBound)
        }
        #expect(absurd.backoff(afterAttempt: Int.min, random: 1) >= .zero)
    }

    @Test("milliseconds of a duration too long for Int64 saturate instead of trapping")
    func millisecondsSaturate() {
        #expect(Duration.seconds(Int64.max).milliseconds == Int64.max)
        #expect(Duration.seconds(Int64.min).milliseconds == Int64.min)
        #expect(Duration.seconds(2).milliseconds == 2000)
    }

    @Test("formatting a duration too long for Int gives a reading instead of trapping")
    func formattingHugeDurations() {
        #expect(Duration.seconds(Int64.max).formatted.hasSuffix(" s"))
        #expect(Duration.seconds(Int64.min).formatted.hasSuffix(" s"))
        #expect(Duration.seconds(125).formatted == "2 min 5 s")
    }

    @Test("typed-in seconds that are not finite or beyond 100 years give no duration")
    func checkedSeconds() {
        for value in [Double.nan, .infinity, -.infinity, 1e300, 1e20] {
            #expect(Duration(checkedSeconds: value) == nil, "\(value)")
        }
        #expect(Duration(checkedSeconds: 1.5) == .milliseconds(1500))
    }

    @Test("a run-after that is not a finite time, or an absurd timeout or backoff, is refused at enqueue")
    func absurdRequestsAreRefused() {
        let backend = InMemoryBackend()
        let requests = [
            TaskRequest(taskName: "t", runAfter: Date(timeIntervalSince1970: .nan)),
            TaskRequest(taskName: "t", runAfter: Date(timeIntervalSince1970: 1e300)),
            TaskRequest(taskName: "t", timeout: .seconds(Int64.max)),
            TaskRequest(taskName: "t", retry: RetryPolicy(maxAttempts: 2, initialBackoff: .seconds(1), maximumBackoff: .seconds(Int64.max))),
        ]
        for request in requests {
            #expect(throws: OffloadError.self, "\(request)") { try backend.enqueue(request) }
        }
        #expect(backend.enqueued.isEmpty)
    }
}
