import Glibc

/// The conventional name of a signal number, for logs: `signalName(SIGKILL) == "SIGKILL"`.
///
/// A table rather than `strsignal`, which returns a description ("Killed") from a buffer that is
/// not thread-safe. Real-time and unknown numbers come back as "SIGRTMIN+n" or "signal n".
public func signalName(_ signal: Int32) -> String {
    if let name = signalNames[signal] { return name }
    let realTimeMinimum = __libc_current_sigrtmin()
    if signal >= realTimeMinimum, signal <= __libc_current_sigrtmax() {
        return "SIGRTMIN+\(signal - realTimeMinimum)"
    }
    return "signal \(signal)"
}

/// Built from the Glibc constants so the numbers are right on every architecture.
private let signalNames: [Int32: String] = [
    SIGHUP: "SIGHUP", SIGINT: "SIGINT", SIGQUIT: "SIGQUIT", SIGILL: "SIGILL", SIGTRAP: "SIGTRAP",
    SIGABRT: "SIGABRT", SIGBUS: "SIGBUS", SIGFPE: "SIGFPE", SIGKILL: "SIGKILL", SIGUSR1: "SIGUSR1",
    SIGSEGV: "SIGSEGV", SIGUSR2: "SIGUSR2", SIGPIPE: "SIGPIPE", SIGALRM: "SIGALRM", SIGTERM: "SIGTERM",
    SIGSTKFLT: "SIGSTKFLT", SIGCHLD: "SIGCHLD", SIGCONT: "SIGCONT", SIGSTOP: "SIGSTOP", SIGTSTP: "SIGTSTP",
    SIGTTIN: "SIGTTIN", SIGTTOU: "SIGTTOU", SIGURG: "SIGURG", SIGXCPU: "SIGXCPU", SIGXFSZ: "SIGXFSZ",
    SIGVTALRM: "SIGVTALRM", SIGPROF: "SIGPROF", SIGWINCH: "SIGWINCH", SIGIO: "SIGIO", SIGPWR: "SIGPWR",
    SIGSYS: "SIGSYS",
]
