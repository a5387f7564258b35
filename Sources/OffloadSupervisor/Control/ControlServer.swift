import Foundation
import Synchronization

/// Serves `supervisor ctl` on an owner-only Unix socket: one JSON request line, one JSON response line.
///
/// Connections are accepted on a plain thread (blocking `accept`), and each request is handed to the
/// supervision loop, which alone may read or change its state.
final class ControlServer: Sendable {
    let path: String
    private let listener: Int32
    private let handler: @Sendable (ControlRequest) async -> ControlResponse

    private init(path: String, listener: Int32, handler: @escaping @Sendable (ControlRequest) async -> ControlResponse) {
        self.path = path
        self.listener = listener
        self.handler = handler
    }

    /// Binds the socket (replacing a stale one), makes it owner-only, and starts accepting.
    static func start(path: String, handler: @escaping @Sendable (ControlRequest) async -> ControlResponse) throws -> ControlServer {
        var (address, length) = try UnixSocketAddress.make(path)
        if ControlClient.isAnswering(path: path) {
            throw ControlSocketError("Another supervisor is already listening on \(path). Stop it, or give this one another control-socket.")
        }
        unlink(path)
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
        guard listen(fd, 16) == 0 else {
            close(fd)
            throw ControlSocketError("Cannot listen on \(path): \(String(cString: strerror(errno))).")
        }
        let server = ControlServer(path: path, listener: fd, handler: handler)
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
                if errno == EINTR { continue }
                return
            }
            // Workers are spawned with only the descriptors they are given, but keep the habit.
            _ = fcntl(connection, F_SETFD, FD_CLOEXEC)
            serve(connection)
        }
    }

    private func serve(_ connection: Int32) {
        defer { close(connection) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard let line = ControlClient.readLine(from: connection) else { return }
        let response: ControlResponse
        if let request = try? JSONDecoder().decode(ControlRequest.self, from: Data(line.utf8)) {
            let answer = Mutex<ControlResponse?>(nil)
            let done = DispatchSemaphore(value: 0)
            let handler = self.handler
            // The loop answers asynchronously; this connection thread waits for it.
            Task {
                let result = await handler(request)
                answer.withLock { $0 = result }
                done.signal()
            }
            if done.wait(timeout: .now() + 10) == .timedOut {
                response = ControlResponse(ok: false, message: "the supervisor did not answer within 10 s")
            } else {
                response = answer.withLock { $0 } ?? ControlResponse(ok: false, message: "no answer")
            }
        } else {
            response = ControlResponse(ok: false, message: "malformed request: \(line.prefix(200))")
        }
        ControlClient.writeLine(response, to: connection)
    }
}
