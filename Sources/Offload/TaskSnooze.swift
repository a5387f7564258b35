import Foundation

/// Thrown from a task's `run` to end this attempt with "run me again later", without counting it as failed.
///
/// The task goes back to PENDING, due `delay` from now; the attempt is given back (so snoozing never uses up
/// the retry policy's attempts) and no error is recorded. For a rate limit, say, or a resource not ready yet:
///
/// ```swift
/// func run(_ arguments: Arguments, context: TaskContext) async throws -> Output {
///     guard let reply = try await api.fetch() else { throw TaskSnooze(for: .seconds(300)) }
///     …
/// }
/// ```
/// The delay is clamped to 0…``maximumDelay``: a negative one means "as soon as possible", a huge one never traps.
public struct TaskSnooze: Error, Sendable, Equatable, CustomStringConvertible {
    /// The longest snooze: one year. Longer is more likely a unit mistake than an intent.
    public static let maximumDelay: Duration = .seconds(365 * 86_400)

    /// How long to wait before the next attempt, as asked.
    public var delay: Duration

    public init(for delay: Duration) {
        self.delay = delay
    }

    /// When the task is due again, for a snooze thrown at `now`: `delay` clamped to 0…``maximumDelay``.
    public func wakeTime(after now: Date) -> Date {
        let clamped = min(max(delay, .zero), Self.maximumDelay)
        let wake = now.addingTimeInterval(clamped.seconds)
        return min(max(wake, StoredTaskValues.runAfterRange.lowerBound), StoredTaskValues.runAfterRange.upperBound)
    }

    public var description: String { "TaskSnooze(for: \(delay))" }
}
