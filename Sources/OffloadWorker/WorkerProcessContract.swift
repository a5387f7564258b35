import Foundation

/// The contract between a supervisor and the worker processes it spawns.
///
/// A supervisor starts a worker as `<worker> --queue-name Q --database PATH --worker-id ID --concurrency N`
/// with two extra file descriptors:
/// - **status pipe** (`OFFLOAD_STATUS_FD`, write end): the worker reports ``WorkerEvent`` lines on it;
/// - **lifeline** (`OFFLOAD_LIFELINE_FD`, read end): the supervisor holds the write end and never writes;
///   end-of-file means the supervisor is gone, whatever killed it, and the worker exits at once.
///
/// Signals the worker honours: SIGTERM and SIGINT drain (stop claiming, finish what runs, exit 0);
/// a second one exits at once. Exit codes are ``WorkerExitCode``.
public enum WorkerProcessContract {
    public static let statusFDVariable = "OFFLOAD_STATUS_FD"
    public static let lifelineFDVariable = "OFFLOAD_LIFELINE_FD"
    public static let supervisorPIDVariable = "OFFLOAD_SUPERVISOR_PID"
    /// The descriptor numbers the supervisor uses in the child.
    public static let statusFD: Int32 = 3
    public static let lifelineFD: Int32 = 4

    /// Swift's crash backtracer setting.
    public static let backtraceVariable = "SWIFT_BACKTRACE"
    /// What a supervisor sets ``backtraceVariable`` to for its workers when the user has not set it.
    ///
    /// On Linux a crashing Swift program runs `swift-backtrace`, which symbolicates every thread: about
    /// 1.5 s of CPU for a debug worker, and in a crash storm (or under a supervisor that crashed too)
    /// dozens of them at once can hold a small machine for minutes. With it off, the crash prints the
    /// fatal error line and the standard library's own short stack trace, in-process, in milliseconds,
    /// and starts no process; recovery quotes those lines into the task's error.
    public static let defaultBacktraceSetting = "enable=no"

    /// Variables that belong to the supervisor alone and are removed from a worker's environment:
    /// only the supervisor talks to systemd.
    public static let supervisorOnlyVariables: Set<String> = ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES"]
}

/// Why a worker exited, as its exit status tells the supervisor.
public enum WorkerExitCode {
    /// Drained and stopped as asked, or `--batch` / `--max-tasks` reached.
    public static let success: Int32 = 0
    /// Bad flags or configuration: restarting the same command cannot help.
    public static let usage: Int32 = 64
    /// The database could not be opened or migrated.
    public static let databaseUnavailable: Int32 = 69
    /// The supervisor disappeared (lifeline closed).
    public static let supervisorGone: Int32 = 75
    /// A setting is invalid (a malformed database URL, say): restarting the same command cannot help.
    public static let configurationError: Int32 = 78

    /// What a worker's exit status means, for log lines; `nil` for a status the contract does not define.
    public static func meaning(of status: Int32) -> String? {
        switch status {
        case success: "stopped normally"
        case usage: "usage error: invalid flags"
        case databaseUnavailable: "the task database is unavailable"
        case supervisorGone: "its supervisor is gone"
        case configurationError: "configuration error"
        default: nil
        }
    }

    /// Whether a worker that exits with `status` during start-up would fail the same way if started again.
    public static func isPermanentStartupFailure(_ status: Int32) -> Bool {
        status == usage || status == configurationError
    }
}

/// One line a worker writes on its status pipe.
public enum WorkerEvent: Sendable, Equatable {
    /// Start-up is over: the database is open and the worker claims tasks.
    case ready
    /// Still alive; `tasksDone` attempts finished so far.
    case heartbeat(tasksDone: Int)
    /// An attempt started; the supervisor enforces `timeout` (plus a grace period) as a hard limit.
    case started(TaskResultIDValue, timeout: Duration?)
    /// An attempt ended (whatever its outcome).
    case finished(TaskResultIDValue)
    /// The worker stopped claiming and is finishing what it holds.
    case draining
    /// Someone cancelled a running attempt and the worker cancelled its Swift `Task`; the supervisor kills
    /// the worker if the attempt has not ended `timeout-grace` later.
    case cancelling(TaskResultIDValue)

    public typealias TaskResultIDValue = Int64

    public var line: String {
        switch self {
        case .ready: "ready"
        case .heartbeat(let done): "heartbeat \(done)"
        case .started(let id, let timeout): "started \(id) \(timeout.map { String($0.milliseconds) } ?? "-")"
        case .finished(let id): "finished \(id)"
        case .draining: "draining"
        case .cancelling(let id): "cancelling \(id)"
        }
    }

    // Inlinable so that the supervisor, which parses two lines per task a worker runs, gets a copy specialised
    // for its `String` lines instead of the generic one (issue 13, item 4).
    @inlinable
    public init?(line: some StringProtocol) {
        let parts = line.split(separator: " ")
        switch parts.first {
        case "ready" where parts.count == 1: self = .ready
        case "draining" where parts.count == 1: self = .draining
        case "heartbeat" where parts.count == 2:
            guard let done = Int(parts[1]) else { return nil }
            self = .heartbeat(tasksDone: done)
        case "started" where parts.count == 3:
            guard let id = Int64(parts[1]) else { return nil }
            if parts[2] == "-" {
                self = .started(id, timeout: nil)
            } else {
                guard let ms = Int64(parts[2]) else { return nil }
                self = .started(id, timeout: .milliseconds(ms))
            }
        case "finished" where parts.count == 2:
            guard let id = Int64(parts[1]) else { return nil }
            self = .finished(id)
        case "cancelling" where parts.count == 2:
            guard let id = Int64(parts[1]) else { return nil }
            self = .cancelling(id)
        default: return nil
        }
    }
}

import Offload
