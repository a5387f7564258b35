import Foundation

/// How many times a failing task is tried, and how long it waits before each new attempt.
///
/// The wait doubles after every failure, from `initialBackoff` up to `maximumBackoff`, and is then
/// spread by ±`jitter` so that tasks that failed together do not all come back at the same moment.
public struct RetryPolicy: Sendable, Equatable, Codable {
    /// Total attempts, the first included: 1 means never retried.
    public var maxAttempts: Int
    public var initialBackoff: Duration
    public var maximumBackoff: Duration
    /// Fraction of the wait added or removed at random, from 0 (none) to 1.
    public var jitter: Double

    public init(maxAttempts: Int, initialBackoff: Duration = .seconds(1), maximumBackoff: Duration = .seconds(300), jitter: Double = 0.2) {
        self.maxAttempts = maxAttempts
        self.initialBackoff = initialBackoff
        self.maximumBackoff = maximumBackoff
        self.jitter = min(max(jitter, 0), 1)
    }

    /// One attempt, no retry: the spec's behaviour.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// Exponential backoff: `initial`, `2 × initial`, `4 × initial`… capped at `maximum`.
    public static func exponential(maxAttempts: Int, initial: Duration = .seconds(1), maximum: Duration = .seconds(300), jitter: Double = 0.2) -> RetryPolicy {
        RetryPolicy(maxAttempts: maxAttempts, initialBackoff: initial, maximumBackoff: maximum, jitter: jitter)
    }

    /// Whether a task that has made `attempts` attempts may make another.
    public func allowsAnotherAttempt(after attempts: Int) -> Bool {
        attempts < maxAttempts
    }

    /// The wait before the attempt that follows failed attempt number `attempt` (1-based).
    ///
    /// Never more than ``StoredTaskValues/maximumDuration``, whatever the policy holds: a policy read back
    /// from a damaged row must not produce a retry time that no time stamp can hold.
    public func backoff(afterAttempt attempt: Int, random: Double = Double.random(in: -1...1)) -> Duration {
        let limit = StoredTaskValues.maximumDuration.seconds
        let exponent = min(max(attempt, 1) - 1, 40)
        let initial = min(max(initialBackoff.seconds, 0), limit)
        let maximum = min(max(maximumBackoff.seconds, 0), limit)
        let base = min(initial * pow(2, Double(exponent)), maximum)
        let spread = jitter.isFinite && random.isFinite ? jitter * random : 0
        let seconds = min(max(0, base * (1 + spread)), limit)
        return Duration(checkedSeconds: seconds) ?? StoredTaskValues.maximumDuration
    }
}

extension Duration {
    /// The duration as a floating-point number of seconds.
    public var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) / 1e18
    }

    /// Whole milliseconds, rounded down: the unit durations are stored in. A duration beyond `Int64`
    /// milliseconds (292 million years) saturates rather than trapping.
    public var milliseconds: Int64 {
        let (whole, attoseconds) = components
        let saturated: Int64 = whole < 0 ? .min : .max
        let (product, overflow) = whole.multipliedReportingOverflow(by: 1000)
        guard !overflow else { return saturated }
        let (sum, carry) = product.addingReportingOverflow(attoseconds / 1_000_000_000_000_000)
        return carry ? saturated : sum
    }
}
