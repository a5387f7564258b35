import Foundation
import Offload

/// Talks to a running supervisor's control socket (`supervisor ctl status`, `supervisor ctl scale email=6`).
///
/// It talks only to a supervisor it can trust: the process at the other end (per the kernel) must own the
/// socket file and be this user or root, so that another user who bound the path first cannot answer in
/// the supervisor's name. Every wait has a deadline: a hung supervisor makes `ctl` fail, never hang.
public enum ControlClient {
    /// How long `connect` may wait while the supervisor's backlog is full.
    static let connectTimeout: Duration = .seconds(5)

    /// Sends `request` and returns the answer.
    ///
    /// - Parameter timeout: how long the whole exchange may take once connected.
    /// - Throws: ``ControlSocketError`` saying what is wrong: nobody listens, the listener does not accept,
    ///   it is not a process this user may trust, it did not answer in time, or the answer is not understood.
    public static func send(_ request: ControlRequest, to path: String, timeout: Duration = .seconds(15)) throws -> ControlResponse {
        let fd = try connect(to: path)
        defer { close(fd) }
        let deadline = ContinuousClock.now + timeout
        // Read even if the write failed: a supervisor that refuses a client answers why, then closes.
        let sent = ControlLine.write(request, to: fd, before: deadline)
        switch ControlLine.read(from: fd, before: deadline, limit: 16 << 20) {
        case .line(let line):
            do {
                return try JSONDecoder().decode(ControlResponse.self, from: Data(line.utf8))
            } catch {
                throw ControlSocketError("The supervisor at \(path) sent an answer that is not understood: \(TerminalSafe.escape(line.prefix(200)))")
            }
        case .closed:
            throw ControlSocketError("The supervisor at \(path) closed the connection \(sent ? "without answering" : "before taking the request").")
        case .timedOut:
            throw ControlSocketError("The supervisor at \(path) did not answer within \(timeout.formatted).")
        case .tooLong:
            throw ControlSocketError("The supervisor at \(path) sent an answer longer than 16 MiB.")
        }
    }

    /// Whether something listens on `path`, for a supervisor about to bind it.
    enum Probe: Equatable {
        case listening
        /// Nobody listens: a stale socket.
        case refused
        case failed(String)
    }

    static func probe(_ path: String) -> Probe {
        do {
            let fd = try socketConnected(to: path, waiting: .zero)
            close(fd)
            return .listening
        } catch ConnectFailure.refused {
            return .refused
        } catch ConnectFailure.backlogFull {
            return .listening
        } catch {
            return .failed("\(error)")
        }
    }

    /// Connects to a trusted supervisor, or throws why not.
    private static func connect(to path: String) throws -> Int32 {
        var file = stat()
        guard lstat(path, &file) == 0 else {
            throw ControlSocketError("No supervisor answers on \(path) (\(String(cString: strerror(errno)))). Is it running, and is this its control-socket?")
        }
        guard file.st_mode & S_IFMT == S_IFSOCK else {
            throw ControlSocketError("\(path) is not a socket. Is this the supervisor's control-socket?")
        }
        let fd: Int32
        do {
            fd = try socketConnected(to: path, waiting: connectTimeout)
        } catch ConnectFailure.backlogFull {
            throw ControlSocketError("The supervisor at \(path) does not accept connections (waited \(connectTimeout.formatted)): it is hung or overloaded.")
        } catch ConnectFailure.refused {
            throw ControlSocketError("No supervisor answers on \(path) (connection refused): a socket left by one that stopped. Is it running?")
        } catch ConnectFailure.other(let reason) {
            throw ControlSocketError("Cannot connect to \(path): \(reason).")
        }
        do {
            try checkTrust(of: fd, socketOwner: file.st_uid, path: path)
        } catch {
            close(fd)
            throw error
        }
        return fd
    }

    /// Refuses a peer this user should not believe: the process answering must own the socket file, and be
    /// this user or root; or, for root, the owner of a directory only that user can write (root asking
    /// a service user's supervisor).
    private static func checkTrust(of fd: Int32, socketOwner: uid_t, path: String) throws {
        guard let peer = PeerCredentials(of: fd) else {
            throw ControlSocketError("Cannot tell which user answers on \(path) (SO_PEERCRED failed); refusing to trust it.")
        }
        let me = geteuid()
        let trusted = peer.uid == socketOwner && (peer.uid == me || peer.uid == 0 || (me == 0 && directoryIsPrivate(to: peer.uid, of: path)))
        guard trusted else {
            throw ControlSocketError("Refusing to talk to the process on \(path): it runs as uid \(peer.uid) and the socket belongs to uid \(socketOwner), while this is uid \(me). Another user may have bound the socket before the supervisor; keep the control socket in a directory only the supervisor's user can write.")
        }
    }

    private static func directoryIsPrivate(to uid: uid_t, of path: String) -> Bool {
        var directory = stat()
        let parent = (path as NSString).deletingLastPathComponent
        guard stat(parent.isEmpty ? "." : parent, &directory) == 0 else { return false }
        return directory.st_uid == uid && directory.st_mode & 0o022 == 0
    }

    private enum ConnectFailure: Error {
        case backlogFull, refused, other(String)
    }

    /// A socket connected to `path`; while the listener's backlog is full, retries for up to `patience`.
    private static func socketConnected(to path: String, waiting patience: Duration) throws -> Int32 {
        var (address, length) = try UnixSocketAddress.make(path)
        // Non-blocking: a Unix socket's connect otherwise blocks for as long as the backlog stays full.
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { throw ConnectFailure.other("cannot create a socket: \(String(cString: strerror(errno)))") }
        let deadline = ContinuousClock.now + patience
        while true {
            let connected = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, length) } }
            if connected == 0 { return fd }
            let error = errno
            if error == EINTR { continue }
            if error == EAGAIN, ContinuousClock.now < deadline {
                usleep(20_000)
                continue
            }
            close(fd)
            switch error {
            case EAGAIN: throw ConnectFailure.backlogFull
            case ECONNREFUSED: throw ConnectFailure.refused
            default: throw ConnectFailure.other(String(cString: strerror(error)))
            }
        }
    }
}
