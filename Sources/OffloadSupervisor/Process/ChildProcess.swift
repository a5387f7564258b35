import CSystemShims
import Glibc
import Synchronization

/// A running (or finished) child process started by ``spawn(_:)``: its pid, its output, signalling,
/// and its exit status.
///
/// ```swift
/// let child = try await ChildProcess.spawn(SpawnRequest(executable: "/usr/bin/env", output: .pipe))
/// for await line in child.standardOutputLines { print(line) }
/// let status = await child.waitForExit()   // .exited(0)
/// ```
///
/// Guarantees, each a lesson from the platform notes (§3):
/// - every spawn runs on one long-lived thread, so a worker's `PR_SET_PDEATHSIG` fires only when this
///   process dies (``SpawnerThread``);
/// - the child starts with an empty signal mask and default signal actions, and with only the
///   descriptors it was given (``posixSpawn(_:)``);
/// - exactly this pid is reaped, as soon as it exits, even if nobody calls ``waitForExit()`` and
///   every reference to the object is dropped (``ExitMonitor``); `waitpid(-1)` is never called;
/// - ``send(_:)`` goes through a pidfd and cannot reach a later process that reused the pid;
/// - with ``SpawnRequest/leadsProcessGroup``, nothing the child started outlives its exit.
public final class ChildProcess: Sendable {
    /// The child's process id. Once ``hasExited`` is `true` the number may belong to another process:
    /// never pass it to `kill`; use ``send(_:)``.
    public let pid: pid_t
    /// The program that was started, for log lines.
    public let executable: String
    /// The child's stdout, line by line, when the output mode was `.pipe`; otherwise an empty stream.
    /// Ends when the child (and every process it passed the descriptor to) has closed it. Iterate it once.
    public let standardOutputLines: AsyncStream<String>
    /// The child's stderr, like ``standardOutputLines``.
    public let standardErrorLines: AsyncStream<String>
    /// Lines of either stream dropped because more than ``SpawnRequest/outputBufferLimit`` waited for the reader.
    public let droppedOutputLines = DroppedLineCounter()

    private let pidfd: Int32
    private let state = Mutex(State.running(waiters: [:], nextWaiterID: 0, cancelledWaiters: []))

    fileprivate enum State {
        /// Running, with the tasks waiting for the exit (by waiter id) and waiters cancelled before they registered.
        case running(waiters: [Int: CheckedContinuation<ExitStatus?, Never>], nextWaiterID: Int, cancelledWaiters: Set<Int>)
        /// Reaped; the pidfd is closed or about to be, and the pid may already be reused.
        case exited(ExitStatus)
    }

    /// Starts a child process as `request` describes, from the dedicated spawner thread.
    ///
    /// Returns once the program has been exec'd: a missing executable, a bad working directory or an
    /// exec failure throws here, not later. Cancelling the calling task does not stop a spawn that is
    /// under way (its child would be left unwatched); cancel before, or signal the child after.
    ///
    /// - Throws: ``ChildProcessError``: `.executableNotFound` ("Executable not found at …"),
    ///   `.notExecutable`, `.workingDirectoryNotFound`, `.invalidRequest`, `.descriptorsExhausted`,
    ///   `.spawnFailed`, `.exitWatchUnavailable`.
    public static func spawn(_ request: SpawnRequest) async throws -> ChildProcess {
        try request.validate()
        let launched = try await SpawnerThread.shared.run { () throws(ChildProcessError) -> LaunchedChild in
            try posixSpawn(request)
        }
        return ChildProcess(launched, request)
    }

    private init(_ launched: LaunchedChild, _ request: SpawnRequest) {
        pid = launched.pid
        pidfd = launched.pidfd
        executable = request.executable
        let killsProcessGroup = request.leadsProcessGroup
        let (limit, dropped) = (request.outputBufferLimit, droppedOutputLines)
        standardOutputLines = launched.standardOutput.map { LineReader.lines(from: $0, bufferLimit: limit, dropped: dropped) } ?? Self.finishedStream()
        standardErrorLines = launched.standardError.map { LineReader.lines(from: $0, bufferLimit: limit, dropped: dropped) } ?? Self.finishedStream()
        // The monitor holds this object until the child is reaped, so the exit is always recorded.
        ExitMonitor.start(pid: launched.pid, pidfd: launched.pidfd, killsProcessGroup: killsProcessGroup) { [self] status in
            didExit(with: status)
        }
    }

    /// `true` once the child has been reaped.
    public var hasExited: Bool { exitStatus != nil }

    /// The exit status once the child has been reaped, without waiting.
    public var exitStatus: ExitStatus? {
        state.withLock { state in
            if case .exited(let status) = state { return status }
            return nil
        }
    }

    /// Sends `signal` to the child, unless it has already been reaped.
    ///
    /// Uses `pidfd_send_signal`, so it reaches this process or nobody, never a newcomer with the same pid.
    ///
    /// - Returns: `true` if the signal was delivered; `false` if the child had already exited (or the
    ///   signal number is invalid).
    @discardableResult
    public func send(_ signal: Int32) -> Bool {
        // The lock keeps the pidfd open during the call: `didExit` marks the state under the same
        // lock before the monitor closes the descriptor.
        state.withLock { state in
            guard case .running = state else { return false }
            return offload_pidfd_send_signal(pidfd, signal) == 0
        }
    }

    /// Waits until the child exits and returns how it ended. Any number of tasks may wait at once;
    /// after the exit it returns at once.
    ///
    /// Not cancellable, like `Task.value`: in a task group that races it against a timer, use
    /// ``waitForExit(timeout:)`` instead, or the group waits for the child when it is cancelled.
    public func waitForExit() async -> ExitStatus {
        let waiterID = state.withLock { state in state.reserveWaiterID() }
        // Only `didExit` resumes a waiter that is never cancelled, and always with a status.
        return await wait(waiterID)!
    }

    /// Waits until the child exits or `timeout` passes, whichever comes first.
    ///
    /// - Returns: the exit status, or `nil` if the timeout passed or the calling task was cancelled
    ///   (the child keeps running).
    public func waitForExit(timeout: Duration) async -> ExitStatus? {
        if let exitStatus { return exitStatus }
        return await withTaskGroup(of: ExitStatus?.self) { group in
            group.addTask { [self] in await cancellableWait() }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? exitStatus
        }
    }

    /// Like ``waitForExit()`` but returns `nil` when the calling task is cancelled.
    private func cancellableWait() async -> ExitStatus? {
        let waiterID = state.withLock { state in state.reserveWaiterID() }
        return await withTaskCancellationHandler {
            await wait(waiterID)
        } onCancel: {
            let continuation = state.withLock { state in state.cancelWaiter(waiterID) }
            continuation?.resume(returning: nil)
        }
    }

    private func wait(_ waiterID: Int) async -> ExitStatus? {
        await withCheckedContinuation { (continuation: CheckedContinuation<ExitStatus?, Never>) in
            let immediate: ExitStatus?? = state.withLock { state in state.register(waiterID, continuation) }
            if let immediate { continuation.resume(returning: immediate) }
        }
    }

    /// Called once by the ``ExitMonitor`` after it reaped the child.
    private func didExit(with status: ExitStatus) {
        let waiters = state.withLock { state in
            let waiters: [CheckedContinuation<ExitStatus?, Never>]
            if case .running(let registered, _, _) = state { waiters = Array(registered.values) } else { waiters = [] }
            state = .exited(status)
            return waiters
        }
        for waiter in waiters { waiter.resume(returning: status) }
    }

    private static func finishedStream() -> AsyncStream<String> {
        let (stream, continuation) = AsyncStream.makeStream(of: String.self)
        continuation.finish()
        return stream
    }
}

extension ChildProcess.State {
    /// A fresh waiter id; while running, the counter lives in the state so ids never repeat.
    fileprivate mutating func reserveWaiterID() -> Int {
        guard case .running(let waiters, let next, let cancelled) = self else { return 0 }
        self = .running(waiters: waiters, nextWaiterID: next + 1, cancelledWaiters: cancelled)
        return next
    }

    /// Registers a waiter, or returns what to resume it with at once: `.some(status)` when the child
    /// has already exited, `.some(nil)` when the waiter was cancelled before it got here.
    fileprivate mutating func register(_ id: Int, _ continuation: CheckedContinuation<ExitStatus?, Never>) -> ExitStatus?? {
        switch self {
        case .exited(let status):
            return .some(status)
        case .running(var waiters, let next, var cancelled):
            if cancelled.remove(id) != nil { return .some(nil) }
            waiters[id] = continuation
            self = .running(waiters: waiters, nextWaiterID: next, cancelledWaiters: cancelled)
            return nil
        }
    }

    /// Removes a cancelled waiter, returning its continuation if it had registered; otherwise
    /// remembers the id so that a registration arriving later resumes at once.
    fileprivate mutating func cancelWaiter(_ id: Int) -> CheckedContinuation<ExitStatus?, Never>? {
        guard case .running(var waiters, let next, var cancelled) = self else { return nil }
        let continuation = waiters.removeValue(forKey: id)
        if continuation == nil { cancelled.insert(id) }
        self = .running(waiters: waiters, nextWaiterID: next, cancelledWaiters: cancelled)
        return continuation
    }
}
