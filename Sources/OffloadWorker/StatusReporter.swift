import Foundation
import Synchronization

/// Writes ``WorkerEvent`` lines to the supervisor's status pipe; does nothing when there is no supervisor.
final class StatusReporter: Sendable {
    private let fd: Mutex<Int32?>

    init(fd: Int32?) {
        self.fd = Mutex(fd)
    }

    static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> StatusReporter {
        let fd = environment[WorkerProcessContract.statusFDVariable].flatMap(Int32.init).flatMap { fcntl($0, F_GETFD) >= 0 ? $0 : nil }
        // A copy in a process a task starts would keep the pipe open after this worker dies, so the
        // supervisor would not see its status end, and the child could write events in its name.
        if let fd { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return StatusReporter(fd: fd)
    }

    var isConnected: Bool { fd.withLock { $0 != nil } }

    func report(_ event: WorkerEvent) {
        fd.withLock { fd in
            guard let descriptor = fd else { return }
            let line = event.line + "\n"
            // Lines are far below PIPE_BUF, so each write is atomic; the lock keeps them in order.
            let written = line.withCString { write(descriptor, $0, strlen($0)) }
            if written < 0 && errno == EPIPE {
                fd = nil
            }
        }
    }
}
