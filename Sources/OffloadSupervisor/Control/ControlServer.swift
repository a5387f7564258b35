import Foundation
import Logging
import Offload

/// Serves `supervisor ctl` on an owner-only Unix socket: one JSON request line, one JSON response line.
///
/// Connections are accepted on a plain thread (blocking `accept`) and each is served on a thread of its own,
/// up to ``ControlConnections``' cap, so an idle or slow client never holds up the next `ctl status`. Each
/// request is handed to the supervision loop, which alone may read or change its state.
///
/// Only this user and root may connect: the socket is 0600 in a directory other users cannot write, and
/// the kernel's record of each client's uid is checked as well.
final class ControlServer: Sendable {
    /// Connections served at once; past it the oldest idle one makes room.
    static let maximumConnections = 16
    /// How long a client has, from `connect`, to send its whole request line.
    static let requestDeadline: Duration = .seconds(10)
    /// How long the supervision loop has to answer.
    static let answerDeadline: Duration = .seconds(10)
    /// How long a client has to take the answer.
    static let sendDeadline: Duration = .seconds(5)
    /// A request is a few dozen bytes; more is not a request.
    static let requestLimit = 64 * 1024

    let path: String
    private let listener: Int32
    let connections = ControlConnections(capacity: maximumConnections)
    let handler: @Sendable (ControlRequest) async -> ControlResponse
    let logger: Logger

    private init(path: String, listener: Int32, logger: Logger, handler: @escaping @Sendable (ControlRequest) async -> ControlResponse) {
        self.path = path
        self.listener = listener
        self.logger = logger
        self.handler = handler
    }

    /// Binds the socket (replacing only a stale socket of this user), makes it owner-only, and starts accepting.
    ///
    /// - Parameter database: the task database, whose files the socket path must not be.
    /// - Throws: ``ConfigurationError`` for a path that cannot be used as configured (see ``ControlSocketPath``),
    ///   ``ControlSocketError`` when another supervisor listens there or the socket cannot be made.
    static func start(path: String, database: String, logger: Logger, handler: @escaping @Sendable (ControlRequest) async -> ControlResponse) throws -> ControlServer {
        var (address, length) = try UnixSocketAddress.make(path)
        try ControlSocketPath.prepare(path, database: database)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ControlSocketError("Cannot create the control socket: \(String(cString: strerror(errno))).") }
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0 else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw ControlSocketError("Cannot bind the control socket at \(path): \(message). Check that its directory exists and is writable.")
        }
        // Owner-only before listen(): nobody can connect until the mode is set.
        chmod(path, 0o600)
        guard listen(fd, 64) == 0 else {
            close(fd)
            throw ControlSocketError("Cannot listen on \(path): \(String(cString: strerror(errno))).")
        }
        let server = ControlServer(path: path, listener: fd, logger: logger, handler: handler)
        let thread = Thread { server.acceptLoop() }
        thread.name = "offload.control"
        thread.start()
        return server
    }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        unlink(path)
    }

    private func acceptLoop() {
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                if errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM {
                    // Out of descriptors: pause rather than spin; the connections in flight will free some.
                    logger.error("control socket: cannot accept a connection: \(String(cString: strerror(errno)))")
                    usleep(100_000)
                    continue
                }
                return
            }
            // Workers are spawned with only the descriptors they are given, but keep the habit.
            _ = fcntl(connection, F_SETFD, FD_CLOEXEC)
            admit(connection)
        }
    }

    /// Checks who connected, takes a place for the connection and starts its thread.
    private func admit(_ connection: Int32) {
        guard let peer = PeerCredentials(of: connection), Self.mayControl(peer.uid) else {
            let who = PeerCredentials(of: connection).map { "uid \($0.uid) (pid \($0.pid))" } ?? "an unknown peer"
            logger.warning("control socket: refused \(who): only uid \(geteuid()) and root may control this supervisor")
            ControlLine.write(ControlResponse(ok: false, message: "permission denied: this supervisor takes requests from uid \(geteuid()) and root only"), to: connection, before: .now + .milliseconds(100))
            close(connection)
            return
        }
        switch connections.admit(connection) {
        case .admitted:
            break
        case .admittedEvicting(let acceptedAt):
            logger.warning("control socket: \(connections.capacity) connections open; closed the oldest idle one (connected \((ContinuousClock.now - acceptedAt).formatted) ago, no request yet)")
        case .full:
            logger.warning("control socket: \(connections.capacity) requests in progress; refused a new connection")
            ControlLine.write(ControlResponse(ok: false, message: "busy: \(connections.capacity) requests in progress; try again"), to: connection, before: .now + .milliseconds(100))
            close(connection)
            return
        }
        let thread = Thread { [self] in serve(connection) }
        thread.name = "offload.control.connection"
        thread.start()
    }

    /// This user and root: the only uids that could connect through a 0600 socket anyway.
    static func mayControl(_ uid: uid_t) -> Bool {
        uid == geteuid() || uid == 0
    }
}
