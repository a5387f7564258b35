import Glibc

/// What ``posixSpawn(_:)`` hands back: the new process and the parent-side descriptors that now
/// belong to its ``ChildProcess``. Every descriptor here is close-on-exec.
struct LaunchedChild: Sendable {
    let pid: pid_t
    /// From `pidfd_open`: refers to exactly this process, so exit watching and signalling can never
    /// hit a later process that reused the pid.
    let pidfd: Int32
    /// Read ends of the output pipes when the output mode is `.pipe`.
    let standardOutput: Int32?
    let standardError: Int32?
}
