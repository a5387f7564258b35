import Foundation

/// The bounds of the numbers Offload stores, and the checks that keep a stored value from trapping.
///
/// Durations are stored in milliseconds and times in microseconds; a value outside these bounds did not
/// come from Offload (enqueue refuses it), and converting it could overflow. Stores read their columns
/// through these checks and fail a task whose row breaks one, naming the column.
public enum StoredTaskValues {
    /// The longest timeout or backoff a task may have: 100 years, far from any overflow in
    /// milliseconds, microseconds or PostgreSQL's `timestamptz`.
    public static let maximumDuration: Duration = .seconds(100 * 365 * 86_400)
    public static let maximumDurationMilliseconds: Int64 = 100 * 365 * 86_400 * 1_000

    /// The earliest and latest run-after a task may ask for: the years 1970 to 2970.
    public static let runAfterRange: ClosedRange<Date> = Date(timeIntervalSince1970: 0)...Date(timeIntervalSince1970: 1_000 * 365.25 * 86_400)

    /// A stored duration in milliseconds, from 0 (or 1 when `positive`) to ``maximumDurationMilliseconds``.
    public static func duration(milliseconds: Int64, column: String, positive: Bool = false) throws(StoredValueProblem) -> Duration {
        let lowest: Int64 = positive ? 1 : 0
        guard (lowest...maximumDurationMilliseconds).contains(milliseconds) else {
            throw StoredValueProblem(column: column, reason: "\(milliseconds) ms is outside \(lowest)…\(maximumDurationMilliseconds) ms (100 years)")
        }
        return .milliseconds(milliseconds)
    }

    /// A stored retry policy, each part checked against what enqueue accepts.
    public static func retryPolicy(maxAttempts: Int64, initialBackoffMilliseconds: Int64, maximumBackoffMilliseconds: Int64, jitter: Double) throws(StoredValueProblem) -> RetryPolicy {
        guard maxAttempts >= 1, let attempts = Int(exactly: maxAttempts) else {
            throw StoredValueProblem(column: "max_attempts", reason: "\(maxAttempts) is not a number of attempts (at least 1)")
        }
        let initial = try duration(milliseconds: initialBackoffMilliseconds, column: "backoff_initial_ms")
        let maximum = try duration(milliseconds: maximumBackoffMilliseconds, column: "backoff_max_ms")
        guard jitter.isFinite, (0...1).contains(jitter) else {
            throw StoredValueProblem(column: "backoff_jitter", reason: "\(jitter) is not a fraction from 0 to 1")
        }
        return RetryPolicy(maxAttempts: attempts, initialBackoff: initial, maximumBackoff: maximum, jitter: jitter)
    }

    /// A stored attempt count (`attempts`), which a claim has just raised to at least 1.
    public static func attempt(_ value: Int64, column: String = "attempts") throws(StoredValueProblem) -> Int {
        guard value >= 1, value < Int64(Int32.max), let attempt = Int(exactly: value) else {
            throw StoredValueProblem(column: column, reason: "\(value) is not an attempt number Offload counts to")
        }
        return attempt
    }

    /// A stored run-after or other time, which must lie in ``runAfterRange``.
    public static func time(_ date: Date, column: String) throws(StoredValueProblem) -> Date {
        guard date.timeIntervalSince1970.isFinite, runAfterRange.contains(date) else {
            throw StoredValueProblem(column: column, reason: "\(date.timeIntervalSince1970) s since 1970 is not a time between 1970 and 2970")
        }
        return date
    }

    /// The error that fails a task whose row holds `problem`, in place of an attempt that never ran.
    public static func failure(of id: TaskResultID, _ problem: StoredValueProblem, attempt: Int, workerID: String?, at now: Date) -> TaskAttemptError {
        TaskAttemptError(
            exceptionType: TaskFailureKind.invalidStoredRow,
            message: "Task \(id) was failed without running: its column \(problem.column) holds a value Offload cannot use (\(problem.reason)). The row was edited by hand or damaged; enqueue the task again.",
            attempt: attempt, workerID: workerID, failedAt: now)
    }

    /// A stored value for a message: control characters escaped, cut to `limit` characters.
    public static func quoted(_ text: String, limit: Int = 60) -> String {
        let escaped = TerminalSafe.escape(text)
        let cut = escaped.count > limit ? String(escaped.prefix(limit)) + "…" : escaped
        return "\"\(cut)\""
    }
}
