import Foundation
import OffloadSupervisor
import Synchronization

/// A raw connection to a control socket, for tests that misbehave as clients do: connect and say
/// nothing, send a request and hang up before the answer.
public final class ControlConnection: Sendable {
    public let fd: Int32
    private let closed = Mutex(false)

    private init(fd: Int32) {
        self.fd = fd
    }

    deinit { hangUp() }

    /// Connects without blocking; `nil` when the listener's backlog is full (`EAGAIN`) or nobody listens.
    public static func open(_ path: String) -> ControlConnection? {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { return nil }
        guard let (made, length) = try? UnixSocketAddress.make(path) else {
            close(fd)
            return nil
        }
        var address = made
        let connected = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, length) } }
        guard connected == 0 else {
            close(fd)
            return nil
        }
        return ControlConnection(fd: fd)
    }

    /// Sends `text` (without raising SIGPIPE in the test process if the other end is gone).
    public func send(_ text: String) {
        _ = text.withCString { Glibc.send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
    }

    /// Whether the other end still holds the connection open (it has neither closed nor answered).
    public var isOpenAndSilent: Bool {
        var byte: UInt8 = 0
        return recv(fd, &byte, 1, Int32(MSG_PEEK) | Int32(MSG_DONTWAIT)) < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)
    }

    /// Closes at once: with nothing unread pending, the other end sees an orderly hang-up.
    public func hangUp() {
        guard closed.withLock({ closed in defer { closed = true }; return !closed }) else { return }
        close(fd)
    }
}

/// Opens `count` connections that never send a byte, retrying each while the backlog is full, for at most
/// `timeout` in all; returns those it opened.
public func openIdleConnections(_ count: Int, to path: String, timeout: Duration = .seconds(10)) async -> [ControlConnection] {
    let deadline = ContinuousClock.now + timeout
    var connections: [ControlConnection] = []
    while connections.count < count, ContinuousClock.now < deadline {
        if let connection = ControlConnection.open(path) {
            connections.append(connection)
        } else {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
    return connections
}
