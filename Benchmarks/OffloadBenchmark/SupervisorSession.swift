import Foundation
import Offload
import OffloadSupervisor
import Synchronization

/// The release `supervisor` running `workers` workers on a scratch database, started the way an
/// operator starts it (`--worker … --workers default=N --no-reload`), with an argument array,
/// never a shell string, through the same ``ChildProcess`` the supervisor uses for its workers.
///
/// The benchmark talks to it only through the store's protocol, as an app would: it enqueues, polls
/// the counts at a coarse interval, and reads the workers' pids from the registry of workers. So one
/// session serves a SQLite file and a PostgreSQL schema alike.
final class SupervisorSession<Scratch: ScratchTaskStore>: Sendable {
    let process: ChildProcess
    let database: Scratch
    let workerCount: Int
    private let stderrTail: StderrCollector

    /// The benchmark's own connection to the database (another process, from the workers' point of view).
    var store: Scratch.Store { database.store }

    private init(process: ChildProcess, database: Scratch, workerCount: Int, stderrTail: StderrCollector) {
        self.process = process
        self.database = database
        self.workerCount = workerCount
        self.stderrTail = stderrTail
    }

    /// Spawns the supervisor and returns once its `workers` workers are registered and claiming.
    static func start(options: BenchmarkOptions, database: Scratch, workers: Int) async throws -> SupervisorSession {
        // Settings come from these flags alone: no OFFLOAD_* variable or offload.conf of the caller's, except
        // the PostgreSQL password file, which a `--postgres` URL without a password may rely on.
        let environment = ProcessInfo.processInfo.environment.filter {
            (!$0.key.hasPrefix("OFFLOAD_") || $0.key == "OFFLOAD_DATABASE_PASSWORD_FILE") && $0.key != "NOTIFY_SOCKET"
        }
        let request = SpawnRequest(
            executable: options.supervisor,
            arguments: [
                "--database", database.location,
                // Explicit, since the default (next to the database) means nothing for a postgres:// URL.
                "--control-socket", options.directory + "/" + database.name + ".sock",
                "--worker", database.worker,
                "--queues", TaskOptions.defaultQueueName,
                "--workers", "\(TaskOptions.defaultQueueName)=\(workers)",
                "--no-reload",
                "--log-level", "warning",
            ],
            environment: environment,
            workingDirectory: options.directory,
            output: .pipe)
        let process = try await ChildProcess.spawn(request)
        let tail = StderrCollector(process: process)
        let session = SupervisorSession(process: process, database: database, workerCount: workers, stderrTail: tail)
        try await session.waitForWorkers()
        return session
    }

    /// Starts a session on `database`, runs `body` with it, then stops the supervisor and removes the
    /// database, whether `body` succeeded or not.
    static func with<Result>(
        options: BenchmarkOptions, database: Scratch, workers: Int, _ body: (SupervisorSession) async throws -> Result
    ) async throws -> Result {
        let session: SupervisorSession
        do {
            session = try await start(options: options, database: database, workers: workers)
        } catch {
            await database.remove()
            throw error
        }
        do {
            let result = try await body(session)
            await session.stop()
            await database.remove()
            return result
        } catch {
            await session.stop()
            await database.remove()
            throw error
        }
    }

    /// The pids of the registered workers, as the workers recorded them.
    func workerPIDs() async throws -> [pid_t] {
        try await store.workers().filter { $0.state == "running" }.map(\.pid).sorted()
    }

    /// Counts tasks in `status` over every queue, from the benchmark's own connection.
    func count(status: TaskStatus) async throws -> Int {
        try await store.counts().reduce(0) { total, queue in
            switch status {
            case .pending: total + queue.pending
            case .running: total + queue.running
            case .successful: total + queue.successful
            case .failed: total + queue.failed
            case .cancelled: total + queue.cancelled
            }
        }
    }

    /// Polls every `interval` until `count` tasks are SUCCESSFUL; the interval is coarse on purpose,
    /// so that polling costs nothing: the figures come from the stored timestamps, not from the poll.
    func waitUntilSuccessful(_ count: Int, timeout: Duration, interval: Duration = .milliseconds(100)) async throws {
        let deadline = ContinuousClock.now + timeout
        while try await self.count(status: .successful) < count {
            guard ContinuousClock.now < deadline else {
                throw failure("only \(try await self.count(status: .successful)) of \(count) tasks succeeded within \(timeout)")
            }
            try checkRunning()
            try await Task.sleep(for: interval)
        }
    }

    /// SIGTERM, then up to 30 s for the workers to drain and the supervisor to exit.
    @discardableResult
    func stop() async -> ExitStatus {
        await process.terminate(signal: SIGTERM, gracePeriod: .seconds(30))
    }

    private func waitForWorkers(timeout: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now + timeout
        while try await workerPIDs().count < workerCount {
            guard ContinuousClock.now < deadline else {
                await stop()
                throw failure("\(workerCount) workers did not register within \(timeout)")
            }
            try checkRunning()
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    private func checkRunning() throws {
        if let status = process.exitStatus {
            throw failure("the supervisor exited (\(status))")
        }
    }

    private func failure(_ message: String) -> BenchmarkFailure {
        BenchmarkFailure("\(message). Last lines of the supervisor's standard error:\n" + stderrTail.lines.joined(separator: "\n"))
    }
}

/// Keeps the last lines the supervisor wrote to standard error, to explain a failure.
final class StderrCollector: Sendable {
    private let tail = Mutex<[String]>([])
    static let keep = 40

    init(process: ChildProcess) {
        // Unstructured because it must outlive `start`: it ends by itself when the supervisor's stderr
        // reaches end-of-file, that is when the supervisor and its workers are gone.
        Task { [self] in
            for await line in process.standardErrorLines {
                append(line)
            }
        }
    }

    private func append(_ line: String) {
        tail.withLock { lines in
            lines.append(line)
            if lines.count > Self.keep { lines.removeFirst(lines.count - Self.keep) }
        }
    }

    var lines: [String] { tail.withLock { $0 } }
}

struct BenchmarkFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
