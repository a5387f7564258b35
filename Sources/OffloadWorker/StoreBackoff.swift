import Offload
import Logging

/// When to try a failed store call again, and when to say so in the log.
///
/// A store that fails (locked by another process past its busy timeout, a full disk, a server that does
/// not answer) fails every call at once, so retrying at once spins a core and floods the log. Waits
/// double from ``initialWait`` to ``maximumWait``; the first failure is logged, then one line per
/// ``logInterval`` with the number of failures since, and one line when the store answers again.
struct StoreBackoff {
    static let initialWait = Duration.milliseconds(100)
    static let maximumWait = Duration.seconds(5)
    static let logInterval = Duration.seconds(30)

    /// Failures in a row.
    private(set) var failures = 0
    private var lastLogged: ContinuousClock.Instant?
    private var failuresSinceLog = 0

    /// Records a failure, logs it when due, and returns how long to wait before the next try.
    mutating func failed(_ error: any Error, doing what: String, logger: Logger, now: ContinuousClock.Instant = .now) -> Duration {
        failures += 1
        failuresSinceLog += 1
        let wait = Self.wait(afterFailures: failures)
        if let lastLogged, now - lastLogged < Self.logInterval { return wait }
        let repeated = failuresSinceLog > 1 ? " (\(failuresSinceLog) failures since the last report)" : ""
        logger.error("cannot \(what): \(error)\(repeated); retrying in \(wait.formatted), backing off up to \(Self.maximumWait.formatted)")
        lastLogged = now
        failuresSinceLog = 0
        return wait
    }

    /// Records a success; says so if it ends a run of failures.
    mutating func succeeded(doing what: String, logger: Logger) {
        guard failures > 0 else { return }
        logger.notice("the task store answers again: could \(what) after \(failures) failure(s) in a row")
        self = StoreBackoff()
    }

    /// `initialWait`, doubled per failure after the first, capped at `maximumWait`.
    static func wait(afterFailures failures: Int) -> Duration {
        guard failures > 0 else { return .zero }
        return min(initialWait * (1 << min(failures - 1, 16)), maximumWait)
    }
}
