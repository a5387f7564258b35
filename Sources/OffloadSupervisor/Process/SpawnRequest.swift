import Foundation

/// Everything needed to start one child process: what to run, with which arguments, environment,
/// directory and descriptors. Pass it to ``ChildProcess/spawn(_:)``.
///
/// Arguments are an array handed to the program as `argv[1...]`; no shell ever parses them, so
/// spaces, quotes and `$` need no escaping.
///
/// ```swift
/// let status = try FileDescriptorPipe()     // worker writes events on fd 3
/// let lifeline = try FileDescriptorPipe()   // worker reads fd 4; EOF means we are gone
/// var request = SpawnRequest(executable: workerPath, arguments: ["--queue-name", "default"])
/// request.environment[WorkerProcessContract.statusFDVariable] = "3"
/// request.extraDescriptors = [3: status.writeEnd, 4: lifeline.readEnd]
/// let worker = try await ChildProcess.spawn(request)
/// close(status.writeEnd); close(lifeline.readEnd)   // our copies of the child's ends: see extraDescriptors
/// ```
public struct SpawnRequest: Sendable {
    /// Where the child's standard output and standard error go. Its standard input is always
    /// `/dev/null`: neither workers nor builds may read the supervisor's terminal.
    public enum OutputMode: Sendable, Hashable {
        /// The child writes to the same stdout/stderr as this process (the journal under systemd).
        case inherit
        /// Two separate pipes, read line by line through ``ChildProcess/standardOutputLines`` and
        /// ``ChildProcess/standardErrorLines``. Both are drained even if nobody iterates them, so the
        /// child never blocks on a full pipe.
        case pipe
        /// Both go to `/dev/null`.
        case discard
        /// Copies of these descriptors of this process: a pipe the caller reads at its own pace, a log
        /// file. As with ``SpawnRequest/extraDescriptors``, this process keeps its copies and closes them
        /// after the spawn.
        case descriptors(standardOutput: Int32, standardError: Int32)
    }

    /// Absolute path of the program. It is not looked up in `PATH`: the caller resolves it.
    public var executable: String
    /// `argv[1...]`; `argv[0]` is `executable`.
    public var arguments: [String]
    /// The child's whole environment, not additions to ours. Defaults to this process's environment;
    /// remove ``WorkerProcessContract/supervisorOnlyVariables`` before starting a worker.
    public var environment: [String: String]
    /// The child's current directory, or `nil` to keep ours.
    public var workingDirectory: String?
    /// Descriptors to give the child: child descriptor number (3 or more) → descriptor in this process.
    ///
    /// The parent descriptor is duplicated into the child; **this process keeps its copy and must close
    /// it after ``ChildProcess/spawn(_:)`` returns**. Otherwise a pipe never reaches end-of-file: a
    /// lifeline read end we still hold, or a status write end we still hold, keeps the pipe open.
    /// Every other descriptor of this process is closed in the child, whether or not it is close-on-exec.
    public var extraDescriptors: [Int32: Int32]
    /// Where stdout and stderr go.
    public var output: OutputMode
    /// With `.pipe` output: at most this many lines wait in each of ``ChildProcess/standardOutputLines``
    /// and ``ChildProcess/standardErrorLines`` for their reader; later ones are dropped, and counted in
    /// ``ChildProcess/droppedOutputLines``, until it catches up. `nil` keeps every line (a build's output).
    public var outputBufferLimit: Int?
    /// Whether the child leads a process group of its own (`POSIX_SPAWN_SETPGROUP`). When it does,
    /// whatever is left of the group when the child exits (processes it started and did not wait for)
    /// is killed with SIGKILL before the child is reaped, while its pid, and so the group's id, cannot
    /// yet belong to anyone else.
    public var leadsProcessGroup: Bool

    public init(
        executable: String,
        arguments: [String] = [],
        environment: [String: String] = ProcessInfo.processInfo.environment,
        workingDirectory: String? = nil,
        extraDescriptors: [Int32: Int32] = [:],
        output: OutputMode = .inherit,
        outputBufferLimit: Int? = nil,
        leadsProcessGroup: Bool = false
    ) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.extraDescriptors = extraDescriptors
        self.output = output
        self.outputBufferLimit = outputBufferLimit
        self.leadsProcessGroup = leadsProcessGroup
    }
}
