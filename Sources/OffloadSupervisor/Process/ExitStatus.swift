/// How a child process ended, decoded from the status `waitpid` returns.
///
/// ```swift
/// switch await child.waitForExit() {
/// case .exited(WorkerExitCode.success): …
/// case .exited(let code): logger.warning("worker \(child.pid) \(ExitStatus.exited(code))")
/// case .signalled(SIGKILL, _): logger.error("worker \(child.pid) was SIGKILLed. Perhaps out of memory?")
/// case .signalled: …
/// }
/// ```
public enum ExitStatus: Sendable, Hashable, CustomStringConvertible {
    /// The process called `exit` (or returned from `main`) with this status, 0...255.
    ///
    /// `-1` is never a real status: it is ``statusLost``, reported when something else in this process
    /// reaped the child first (a `waitpid(-1)` elsewhere, which the platform notes forbid).
    case exited(Int32)
    /// A signal ended the process; `coreDumped` says whether the kernel wrote a core file.
    case signalled(Int32, coreDumped: Bool)

    /// Reported when the real status cannot be known because another part of the process reaped the child.
    public static let statusLost = ExitStatus.exited(-1)

    /// `true` only for `exited(0)`.
    public var isSuccess: Bool { self == .exited(0) }

    /// The exit status, or `nil` when a signal ended the process.
    public var exitCode: Int32? {
        if case .exited(let code) = self { return code }
        return nil
    }

    /// The signal that ended the process, or `nil` when it exited.
    public var signal: Int32? {
        if case .signalled(let signal, _) = self { return signal }
        return nil
    }

    /// "exited with status 3", "killed by signal 9 (SIGKILL)", "killed by signal 11 (SIGSEGV), core dumped".
    public var description: String {
        switch self {
        case .exited(-1): "exit status lost (another waitpid reaped the process)"
        case .exited(let code): "exited with status \(code)"
        case .signalled(let signal, let coreDumped):
            "killed by signal \(signal) (\(signalName(signal)))" + (coreDumped ? ", core dumped" : "")
        }
    }

    /// Decodes a raw `waitpid` status. The `WIFEXITED`-style macros are not imported into Swift, so this
    /// spells out their Linux definitions: the low 7 bits hold the signal (0 = normal exit), bit 7 the
    /// core-dump flag, and bits 8...15 the exit status.
    init(waitStatus status: Int32) {
        let signal = status & 0x7f
        if signal == 0 {
            self = .exited((status >> 8) & 0xff)
        } else {
            self = .signalled(signal, coreDumped: status & 0x80 != 0)
        }
    }
}
