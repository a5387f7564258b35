import Dispatch
import Glibc
import Synchronization

/// Waits for one child to exit and reaps exactly that child.
///
/// A pidfd becomes readable when its process exits, so a dispatch read source on it is a per-child
/// exit notification. The monitor then calls `waitpid(pid, WNOHANG)`: never `waitpid(-1)`, which would
/// steal the statuses of children that other code (swift-subprocess, Foundation.Process) waits for
/// (platform notes §3, pitfall D). No SIGCHLD handler is involved, so SIGCHLD stays at its default.
///
/// The monitor keeps itself, and through `onExit` its ``ChildProcess``, alive until the child is
/// reaped: dropping every reference to a running child still leaves no zombie behind.
// @unchecked Sendable because the only stored properties are a dispatch source (libdispatch objects
// are thread-safe; it is only resumed in `init` and cancelled from its own handler) and immutable values.
final class ExitMonitor: @unchecked Sendable {
    /// One serial queue for all exit sources: each handler does a single non-blocking `waitpid`.
    private static let queue = DispatchQueue(label: "offload.child-exit")

    private let pid: pid_t
    private let source: any DispatchSourceRead
    private let onExit: @Sendable (ExitStatus) -> Void
    private let reaped = Atomic<Bool>(false)

    /// Starts watching; `onExit` runs once, on the monitor's queue, after the child has been reaped.
    /// Takes ownership of `pidfd` and closes it after `onExit` has returned.
    init(pid: pid_t, pidfd: Int32, onExit: @escaping @Sendable (ExitStatus) -> Void) {
        self.pid = pid
        self.onExit = onExit
        source = DispatchSource.makeReadSource(fileDescriptor: pidfd, queue: Self.queue)
        source.setEventHandler { [self] in reapIfExited() }
        source.setCancelHandler { close(pidfd) }
        source.resume()
    }

    private func reapIfExited() {
        guard !reaped.load(ordering: .relaxed) else { return }
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        if result == 0 || (result == -1 && errno == EINTR) {
            // Not reapable yet (the pidfd said otherwise, so this is a transient state): look again
            // shortly rather than trusting the source to fire a second time.
            Self.queue.asyncAfter(deadline: .now() + .milliseconds(10)) { [self] in reapIfExited() }
            return
        }
        reaped.store(true, ordering: .relaxed)
        // ECHILD: something else reaped our child, breaking the rule above; the status is gone.
        onExit(result == pid ? ExitStatus(waitStatus: status) : .statusLost)
        // Cancelling releases the handlers, breaking the monitor ↔ handler cycle, then closes the pidfd.
        source.cancel()
    }
}
