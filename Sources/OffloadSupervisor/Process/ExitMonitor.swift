import Glibc

/// Waits for one child to exit and reaps exactly that child.
///
/// A pidfd becomes readable when its process exits, so watching it with the ``DescriptorPoller`` is a
/// per-child exit notification. The monitor then calls `waitpid(pid, WNOHANG)`: never `waitpid(-1)`, which would
/// steal the statuses of children that other code (swift-subprocess, Foundation.Process) waits for
/// (platform notes §3, pitfall D). No SIGCHLD handler is involved, so SIGCHLD stays at its default.
///
/// The monitor keeps itself, and through `onExit` its ``ChildProcess``, alive until the child is
/// reaped: dropping every reference to a running child still leaves no zombie behind. After the
/// exit, removing the registration releases its handler and with it both of them.
final class ExitMonitor: Sendable {
    private let pid: pid_t
    private let pidfd: Int32
    private let killsProcessGroup: Bool
    private let onExit: @Sendable (ExitStatus) -> Void

    /// Starts watching `pid` through `pidfd`, and takes ownership of the pidfd (closed once the child
    /// has been reaped). `onExit` runs once, on the poller's thread, after the child has been reaped; it
    /// must not block.
    ///
    /// With `killsProcessGroup` (the child leads its own group), the rest of the group is killed
    /// when the child exits, before it is reaped: until then the child's pid stays allocated, so the
    /// group id cannot name a newcomer's group.
    @discardableResult
    static func start(pid: pid_t, pidfd: Int32, killsProcessGroup: Bool = false, onExit: @escaping @Sendable (ExitStatus) -> Void) -> ExitMonitor {
        let monitor = ExitMonitor(pid: pid, pidfd: pidfd, killsProcessGroup: killsProcessGroup, onExit: onExit)
        // The poller holds the monitor and `onExit` until the child is reaped and the registration removed.
        DescriptorPoller.shared.watch(pidfd) { registration in monitor.reapIfExited(registration) }
        return monitor
    }

    private init(pid: pid_t, pidfd: Int32, killsProcessGroup: Bool, onExit: @escaping @Sendable (ExitStatus) -> Void) {
        self.pid = pid
        self.pidfd = pidfd
        self.killsProcessGroup = killsProcessGroup
        self.onExit = onExit
    }

    /// Runs once per readiness of the pidfd, whose watch is never re-armed, or once per retry below: never
    /// again after the child was reaped.
    private func reapIfExited(_ registration: DescriptorPoller.Registration) {
        if killsProcessGroup {
            // ESRCH (nothing left in the group) is the usual answer and needs no handling.
            kill(-pid, SIGKILL)
        }
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        if result == 0 || (result == -1 && errno == EINTR) {
            // Not reapable yet (the pidfd said otherwise, so this is a transient state): look again
            // shortly rather than trusting the pidfd to be reported a second time.
            DescriptorPoller.shared.after(.milliseconds(10)) { [self] in reapIfExited(registration) }
            return
        }
        // ECHILD: something else reaped our child, breaking the rule above; the status is gone.
        onExit(result == pid ? ExitStatus(waitStatus: status) : .statusLost)
        // Releases the handler (and with it the monitor), then closes the pidfd: `ChildProcess.send` no
        // longer uses it, since `onExit` marked the child exited under the lock `send` holds.
        DescriptorPoller.shared.remove(registration)
        close(pidfd)
    }
}
