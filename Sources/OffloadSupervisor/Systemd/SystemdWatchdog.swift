import Foundation

/// When the supervision loop must send `WATCHDOG=1`, from the `WatchdogSec=` systemd passes in the environment.
///
/// systemd sets `WATCHDOG_USEC` (the timeout) and `WATCHDOG_PID` (the process it expects pings from). Pinging
/// every half timeout, as `sd_watchdog_enabled(3)` advises, leaves one full interval of slack for a slow loop turn.
///
/// Ping from the supervision loop itself, never from a separate timer task: the point is that a hung loop
/// stops the pings and systemd restarts the service.
///
/// ```swift
/// var watchdog = SystemdWatchdog()                       // nil without WatchdogSec=
/// // each loop turn, waiting at most watchdog?.timeUntilDue(at: now):
/// if var w = watchdog, w.isDue(at: .now) { try notifier.notify([.watchdog]); w.recordPing(at: .now); watchdog = w }
/// ```
public struct SystemdWatchdog: Sendable {
    /// How often to ping: half of `WATCHDOG_USEC`.
    public let interval: Duration
    private var lastPing: ContinuousClock.Instant?

    /// A watchdog schedule, or `nil` when systemd does not watch this process (see ``interval(environment:processID:)``).
    public init?(environment: [String: String] = ProcessInfo.processInfo.environment, processID: Int32 = getpid()) {
        guard let interval = Self.interval(environment: environment, processID: processID) else { return nil }
        self.interval = interval
    }

    /// Half of `WATCHDOG_USEC`, or `nil` when there is no watchdog for this process.
    ///
    /// `nil` when `WATCHDOG_USEC` is unset, not a positive integer, or when `WATCHDOG_PID` is set to a different
    /// process: the variables were inherited from a parent that systemd watches, and pinging on its behalf would
    /// hide the parent's own hang.
    public static func interval(environment: [String: String], processID: Int32 = getpid()) -> Duration? {
        guard let text = environment["WATCHDOG_USEC"], let microseconds = Int64(text), microseconds > 0 else { return nil }
        if let pid = environment["WATCHDOG_PID"], !pid.isEmpty, Int32(pid) != processID { return nil }
        return .microseconds(microseconds) / 2
    }

    /// Whether a ping is due: none was sent yet, or ``interval`` has passed since the last.
    public func isDue(at now: ContinuousClock.Instant) -> Bool {
        guard let lastPing else { return true }
        return now - lastPing >= interval
    }

    /// How long the loop may wait before the next ping is due (zero if it is due now): cap the loop's wait with it.
    public func timeUntilDue(at now: ContinuousClock.Instant) -> Duration {
        guard let lastPing else { return .zero }
        return max(.zero, interval - (now - lastPing))
    }

    /// Notes that `WATCHDOG=1` was sent at `now`.
    public mutating func recordPing(at now: ContinuousClock.Instant) {
        lastPing = now
    }
}

extension SystemdNotifier {
    /// Half of `WATCHDOG_USEC` when systemd watches this process, else `nil`. See ``SystemdWatchdog``.
    public static func watchdogInterval(environment: [String: String] = ProcessInfo.processInfo.environment) -> Duration? {
        SystemdWatchdog.interval(environment: environment)
    }
}
