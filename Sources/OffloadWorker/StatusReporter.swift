import Foundation
import Synchronization

/// Writes ``WorkerEvent`` lines to the supervisor's status pipe; does nothing when there is no supervisor.
///
/// A busy worker writes as few times as it can, since every write costs both processes: the `started` lines of
/// the tasks a claim loop turn begins go out in one write, before any of them runs, and a `finished` line that
/// comes while the loop is about to begin the next task (``holdFinishes()``) rides along with that task's
/// `started` line. So a drain costs one write per task, not two; the lines and their order are unchanged.
final class StatusReporter: Sendable {
    private struct State {
        var fd: Int32?
        /// While true, `finished` lines wait in `held` for the claim loop's next write.
        var holding = false
        var held: [WorkerEvent] = []
    }

    private let state: Mutex<State>

    init(fd: Int32?) {
        self.state = Mutex(State(fd: fd))
    }

    static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> StatusReporter {
        let fd = environment[WorkerProcessContract.statusFDVariable].flatMap(Int32.init).flatMap { fcntl($0, F_GETFD) >= 0 ? $0 : nil }
        // A copy in a process a task starts would keep the pipe open after this worker dies, so the
        // supervisor would not see its status end, and the child could write events in its name.
        if let fd { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return StatusReporter(fd: fd)
    }

    var isConnected: Bool { state.withLock { $0.fd != nil } }

    func report(_ event: WorkerEvent) {
        report([event])
    }

    /// Writes `events`, after any held `finished` lines, in one write.
    func report(_ events: [WorkerEvent]) {
        state.withLock { state in
            let lines = state.held + events
            state.held.removeAll()
            state.holding = false
            Self.write(lines, to: &state.fd)
        }
    }

    /// An attempt ended. Held for the claim loop's next write while it waits for this very news
    /// (``holdFinishes()``): it writes at once when it wakes. An attempt with a time limit is written at once
    /// all the same, so that the supervisor never enforces a limit on a task that has ended.
    func reportFinished(_ id: WorkerEvent.TaskResultIDValue, hasTimeLimit: Bool) {
        state.withLock { state in
            if state.holding, !hasTimeLimit, state.fd != nil {
                state.held.append(.finished(id))
            } else {
                Self.write([.finished(id)], to: &state.fd)
            }
        }
    }

    /// The claim loop is about to wait for a running attempt to end: `finished` lines wait for its next write.
    /// It must call ``flush()`` (or ``report(_:)-(WorkerEvent)``) as soon as it wakes.
    func holdFinishes() {
        state.withLock { $0.holding = true }
    }

    /// Writes the held `finished` lines, if any, and stops holding them.
    func flush() {
        state.withLock { state in
            state.holding = false
            guard !state.held.isEmpty else { return }
            let lines = state.held
            state.held.removeAll()
            Self.write(lines, to: &state.fd)
        }
    }

    /// One `write` for all the lines (more only if a signal interrupts it); the lock keeps writes whole and in order,
    /// and no other process holds the pipe's write end (it is close-on-exec).
    private static func write(_ events: [WorkerEvent], to fd: inout Int32?) {
        guard let descriptor = fd, !events.isEmpty else { return }
        var text = ""
        for event in events {
            text += event.line
            text += "\n"
        }
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written > 0 {
                bytes = bytes.dropFirst(written)
            } else if written < 0, errno == EINTR {
                continue
            } else {
                // EPIPE: the supervisor is gone (its lifeline ends this worker); stop writing.
                if written < 0, errno == EPIPE { fd = nil }
                return
            }
        }
    }
}
