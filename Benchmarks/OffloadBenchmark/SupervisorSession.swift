import Foundation
import GRDB
import Offload
import OffloadSQLite
import OffloadSupervisor
import Synchronization

/// The release `supervisor` running `workers` workers on a scratch database, started the way an
/// operator starts it (`--worker … --workers default=N --no-reload`), with an argument array,
/// never a shell string, through the same ``ChildProcess`` the supervisor uses for its workers.
///
/// The benchmark talks to it only through the database, as an app would: it enqueues, polls
/// results at a coarse interval, and reads the workers' pids from the registry of workers.
final class SupervisorSession: Sendable {
    let process: ChildProcess
    let database: ScratchDatabase
    /// The benchmark's own connection to the database (another process, from SQLite's point of view).
    let store: SQLiteTaskStore
    let workerCount: Int
    private let stderrTail: StderrCollector

    private init(process: ChildProcess, database: ScratchDatabase, store: SQLiteTaskStore, workerCount: Int, stderrTail: StderrCollector) {
        self.process = process
        self.database = database
        self.store = store
        self.workerCount = workerCount
        self.stderrTail = stderrTail
    }

    /// Spawns the supervisor and returns once its `workers` workers are registered and claiming.
    static func start(options: BenchmarkOptions, database: ScratchDatabase, workers: Int) async throws -> SupervisorSession {
        let store = try database.openStore()
        // Settings come from these flags alone: no OFFLOAD_* variable or offload.conf of the caller's.
        let environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("OFFLOAD_") && $0.key != "NOTIFY_SOCKET" }
        let request = SpawnRequest(
            executable: options.supervisor,
            arguments: [
                "--database", database.path,
                "--worker", options.worker,
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
        let session = SupervisorSession(process: process, database: database, store: store, workerCount: workers, stderrTail: tail)
        try await session.waitForWorkers()
        return session
    }

    /// The pids of the registered workers, as the workers recorded them.
    func workerPIDs() throws -> [pid_t] {
        try store.pool.read { db in
            try Int32.fetchAll(db, sql: "SELECT pid FROM offload_worker WHERE state = 'running' ORDER BY pid")
        }
    }

    /// Counts tasks in `status`, from the benchmark's own read connection.
    func count(status: TaskStatus) throws -> Int {
        try store.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM offload_task WHERE status = ?", arguments: [status.rawValue]) ?? 0
        }
    }

    /// Polls every `interval` until `count` tasks are SUCCESSFUL; the interval is coarse on purpose,
    /// so that polling costs nothing: the figures come from the stored timestamps, not from the poll.
    func waitUntilSuccessful(_ count: Int, timeout: Duration, interval: Duration = .milliseconds(100)) async throws {
        let deadline = ContinuousClock.now + timeout
        while try self.count(status: .successful) < count {
            guard ContinuousClock.now < deadline else {
                throw failure("only \(try self.count(status: .successful)) of \(count) tasks succeeded within \(timeout)")
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
        while try workerPIDs().count < workerCount {
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
