#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One state change the supervisor reports to systemd, as a `KEY=value` line of the sd_notify protocol.
///
/// Several states sent together form one datagram and are applied by systemd at once, so send
/// `[.ready, .status("…")]` rather than two calls when both are true at the same moment.
///
/// Related systemd documentation: <https://www.freedesktop.org/software/systemd/man/sd_notify.html>
public enum SystemdState: Sendable, Hashable {
    /// `READY=1`: start-up is finished (every initial worker is ready), or a reload is.
    /// With `Type=notify`, `systemctl start` waits for it, and so does every unit ordered after this one.
    case ready
    /// `STATUS=…`: one line shown by `systemctl status`, such as "default: 2 workers, 14 pending".
    case status(String)
    /// `WATCHDOG=1`: the supervision loop is alive. Missing it for `WatchdogSec` gets the service killed and,
    /// with `Restart=on-failure`, restarted.
    case watchdog
    /// `RELOADING=1` + `MONOTONIC_USEC=…`: a reload (SIGHUP) began; send ``ready`` when it is over.
    /// systemd ≥ 253 (`Type=notify-reload`) requires the timestamp; older versions ignore it.
    case reloading(monotonicMicroseconds: UInt64)
    /// `STOPPING=1`: shutdown began (draining the workers), so systemd shows "deactivating", not a failure.
    case stopping
    /// `MAINPID=…`: the service's main process, when it is not the one that systemd started.
    case mainPID(Int32)
    /// `EXTEND_TIMEOUT_USEC=…`: ask for this much more time before systemd's start or stop timeout fires,
    /// for a drain that legitimately runs past `TimeoutStopSec`. Send it again before it runs out.
    case extendTimeout(Duration)

    /// ``reloading(monotonicMicroseconds:)`` stamped with the current `CLOCK_MONOTONIC` time.
    public static func reloading() -> SystemdState {
        .reloading(monotonicMicroseconds: currentMonotonicMicroseconds())
    }

    /// Now on `CLOCK_MONOTONIC`, in microseconds: the clock systemd compares `MONOTONIC_USEC` against.
    ///
    /// Read directly rather than through a Swift clock, because on Linux `ContinuousClock` reads `CLOCK_BOOTTIME`,
    /// which runs ahead of `CLOCK_MONOTONIC` by the time the machine spent suspended.
    public static func currentMonotonicMicroseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
    }

    /// The line(s) this state adds to the datagram.
    var assignment: String {
        switch self {
        case .ready: "READY=1"
        // A newline would end the STATUS line and let the rest be read as another assignment (say "READY=1").
        case .status(let text): "STATUS=" + String(text.map { $0.isNewline ? " " : $0 })
        case .watchdog: "WATCHDOG=1"
        case .reloading(let microseconds): "RELOADING=1\nMONOTONIC_USEC=\(microseconds)"
        case .stopping: "STOPPING=1"
        case .mainPID(let pid): "MAINPID=\(pid)"
        case .extendTimeout(let duration): "EXTEND_TIMEOUT_USEC=\(microseconds(of: duration))"
        }
    }
}

private func microseconds(of duration: Duration) -> UInt64 {
    let (seconds, attoseconds) = duration.components
    guard seconds >= 0 else { return 0 }
    return UInt64(seconds) * 1_000_000 + UInt64(attoseconds / 1_000_000_000_000)
}
