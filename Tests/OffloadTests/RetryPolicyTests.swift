import Offload
import Testing

@Suite("Retry policy")
struct RetryPolicyTests {
    @Test("the default policy makes one attempt, as the spec")
    func defaultIsOneAttempt() {
        #expect(TaskOptions().retry.maxAttempts == 1)
        #expect(!RetryPolicy.none.allowsAnotherAttempt(after: 1))
    }

    @Test("backoff doubles after each failure and stops at the maximum")
    func backoffDoublesUpToMaximum() {
        let policy = RetryPolicy.exponential(maxAttempts: 10, initial: .seconds(1), maximum: .seconds(5), jitter: 0)
        #expect(policy.backoff(afterAttempt: 1) == .seconds(1))
        #expect(policy.backoff(afterAttempt: 2) == .seconds(2))
        #expect(policy.backoff(afterAttempt: 3) == .seconds(4))
        #expect(policy.backoff(afterAttempt: 4) == .seconds(5))
        #expect(policy.backoff(afterAttempt: 40) == .seconds(5))
    }

    @Test("jitter spreads the wait by at most its fraction")
    func jitterStaysWithinBounds() {
        let policy = RetryPolicy.exponential(maxAttempts: 3, initial: .seconds(10), jitter: 0.2)
        #expect(policy.backoff(afterAttempt: 1, random: -1) == .seconds(8))
        #expect(policy.backoff(afterAttempt: 1, random: 1) == .seconds(12))
        for _ in 0..<100 {
            let wait = policy.backoff(afterAttempt: 1)
            #expect(wait >= .seconds(8) && wait <= .seconds(12))
        }
    }

    @Test("attempts are allowed until the maximum is reached")
    func attemptsUntilMaximum() {
        let policy = RetryPolicy(maxAttempts: 3)
        #expect(policy.allowsAnotherAttempt(after: 1))
        #expect(policy.allowsAnotherAttempt(after: 2))
        #expect(!policy.allowsAnotherAttempt(after: 3))
    }
}
