import Foundation

/// Tells systemd about the supervisor's state through the sd_notify protocol, without linking libsystemd.
///
/// The protocol is one `AF_UNIX` datagram of newline-separated `KEY=value` lines, sent to the socket named by the
/// `NOTIFY_SOCKET` environment variable. systemd sets that variable only for `Type=notify` services, so outside
/// systemd (a terminal, tests, another process manager) the notifier is disabled and every call is a silent no-op.
///
/// Only the supervisor may talk to systemd: the unit says `NotifyAccess=main`, and workers must not inherit
/// `NOTIFY_SOCKET` (see `WorkerProcessContract.supervisorOnlyVariables`).
///
/// ```swift
/// let notifier = SystemdNotifier()
/// try notifier.notify([.ready, .status("default: 2 workers, 0 pending")])   // every initial worker is ready
/// try notifier.notify([.watchdog])                                           // from the supervision loop
/// try notifier.notify([.reloading()])                                        // SIGHUP received
/// try notifier.notify([.ready, .status("reloaded")])                         // reload done
/// try notifier.notify([.stopping])                                           // SIGTERM received
/// ```
///
/// Each call opens a socket, sends and closes it, as libsystemd's `sd_notify` does: there is no state to share, and
/// a dozen notifications a minute cost nothing.
public struct SystemdNotifier: Sendable {
    /// The raw `NOTIFY_SOCKET` value, or `nil` when it is unset or empty.
    public let notifySocket: String?

    /// Reads `NOTIFY_SOCKET` from `environment`.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let value = environment["NOTIFY_SOCKET"] ?? ""
        self.notifySocket = value.isEmpty ? nil : value
    }

    /// Whether systemd asked for notifications (`NOTIFY_SOCKET` is set).
    public var isEnabled: Bool { notifySocket != nil }

    /// Sends `states` as one datagram, which systemd applies at once.
    ///
    /// The send never blocks: Swift concurrency threads must not, and a systemd too busy to read its socket is
    /// reported as an error rather than stalling the supervision loop.
    /// - Returns: `true` if a datagram was sent, `false` if notifications are disabled or `states` is empty.
    /// - Throws: ``SystemdNotifyError`` when `NOTIFY_SOCKET` is set but the datagram cannot be delivered.
    @discardableResult
    public func notify(_ states: [SystemdState]) throws(SystemdNotifyError) -> Bool {
        guard let notifySocket, !states.isEmpty else { return false }
        let address = try NotifySocketAddress(notifySocket)
        let message = Array(states.map(\.assignment).joined(separator: "\n").utf8)
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else {
            let code = errno
            throw SystemdNotifyError(
                .socketUnavailable, "Cannot create a Unix socket to notify systemd: \(String(cString: strerror(code))).", errno: code)
        }
        defer { close(fd) }
        var (sent, code): (Int, Int32)
        repeat {
            (sent, code) = address.withSocketAddress { address, length in
                message.withUnsafeBytes {
                    let sent = sendto(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT), address, length)
                    return (sent, errno)
                }
            }
        } while sent < 0 && code == EINTR
        guard sent >= 0 else {
            throw SystemdNotifyError(
                .sendFailed,
                "Cannot notify systemd at NOTIFY_SOCKET=\(notifySocket) (\(states.map(\.assignment.firstLine).joined(separator: ", "))): \(String(cString: strerror(code))).",
                errno: code)
        }
        return true
    }

    /// Variadic form of ``notify(_:)``: `try notifier.notify(.ready, .status("…"))`.
    @discardableResult
    public func notify(_ states: SystemdState...) throws(SystemdNotifyError) -> Bool {
        try notify(states)
    }
}

extension String {
    fileprivate var firstLine: Substring { prefix { $0 != "\n" } }
}
