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
/// reaped: dropping every reference to a running child still leaves no zombie behind. After the
/// exit, cancelling the source releases its handler and with it both of them.
// @unchecked Sendable because the only stored properties are immutable values and a dispatch source
// (libdispatch objects are thread-safe; it is resumed in `init` and cancelled from its own handler).
final class ExitMonitor: @unchecked Sendable {
    /// One serial queue for all exit sources: each handler does a single non-blocking `waitpid`.
    private static let queue = DispatchQueue(label: "offload.child-exit")

    private let pid: pid_t
    private let killsProcessGroup: Bool
    private let source: any DispatchSourceRead
    private let reaped = Atomic<Bool>(false)

    /// Starts watching `pid` through `pidfd`, and takes ownership of the pidfd (closed once the child
    /// has been reaped). `onExit` runs once, on the monitor's queue, after the child has been reaped.
    ///
    /// With `killsProcessGroup` (the child leads its own group), the rest of the group is killed
    /// when the child exits, before it is reaped: until then the child's pid stays allocated, so the
    /// group id cannot name a newcomer's group.
    @discardableResult
    static func start(pid: pid_t, pidfd: Int32, killsProcessGroup: Bool = false, onExit: @escaping @Sendable (ExitStatus) -> Void) -> ExitMonitor {
        ExitMonitor(pid: pid, pidfd: pidfd, killsProcessGroup: killsProcessGroup, onExit: onExit)
    }

    private init(pid: pid_t, pidfd: Int32, killsProcessGroup: Bool, onExit: @escaping @Sendable (ExitStatus) -> Void) {
        self.pid = pid
        self.killsProcessGroup = killsProcessGroup
        source = DispatchSource.makeReadSource(fileDescriptor: pidfd, queue: Self.queue)
        // The handler holds the monitor and `onExit` until `cancel()` makes libdispatch drop it.
        source.setEventHandler { [self] in reapIfExited(onExit) }
        source.setCancelHandler { close(pidfd) }
        source.resume()
    }

    private func reapIfExited(_ onExit: @escaping @Sendable (ExitStatus) -> Void) {
        guard !reaped.load(ordering: .relaxed) else { return }
        if killsProcessGroup {
            // ESRCH (nothing left in the group) is the usual answer and needs no handling.
            kill(-pid, SIGKILL)
        }
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        if result == 0 || (result == -1 && errno == EINTR) {
            // Not reapable yet (the pidfd said otherwise, so this is a transient state): look again
            // shortly rather than trusting the source to fire a second time.
            Self.queue.asyncAfter(deadline: .now() + .milliseconds(10)) { [self] in reapIfExited(onExit) }
            return
        }
        reaped.store(true, ordering: .relaxed)
        // ECHILD: something else reaped our child, breaking the rule above; the status is gone.
        onExit(result == pid ? ExitStatus(waitStatus: status) : .statusLost)
        // Releases the handlers (breaking the monitor ↔ handler cycle), then closes the pidfd.
        source.cancel()
    }
}
