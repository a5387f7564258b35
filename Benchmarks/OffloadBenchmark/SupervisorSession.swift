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
final class SupervisorSession<Scratch: ScratchTaskStore>: DrainProcesses {
    let process: ChildProcess
    let database: Scratch
    let workerCount: Int
    private let stderrTail: StderrCollector

    var supervisorPID: pid_t? { process.pid }

    private init(process: ChildProcess, database: Scratch, workerCount: Int, stderrTail: StderrCollector) {
        self.process = process
        self.database = database
        self.workerCount = workerCount
        self.stderrTail = stderrTail
    }

    /// Spawns the supervisor; ``DrainProcesses/started(_:timeout:)`` waits for its `workers` workers to register.
    static func start(options: BenchmarkOptions, database: Scratch, workers: Int) async throws -> SupervisorSession {
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
                "--log-level", options.supervisorLogLevel,
            ],
            environment: childEnvironment.merging(options.workerEnvironment) { _, added in added },
            workingDirectory: options.directory,
            output: .pipe)
        let process = try await ChildProcess.spawn(request)
        let tail = StderrCollector(process: process)
        return SupervisorSession(process: process, database: database, workerCount: workers, stderrTail: tail)
    }

    /// The pids of the registered workers, as the workers recorded them.
    func workerPIDs() async throws -> [pid_t] {
        try await store.workers().filter { $0.state == "running" }.map(\.pid).sorted()
    }

    /// SIGTERM, then up to 30 s for the workers to drain and the supervisor to exit.
    func shutDown() async {
        _ = await process.terminate(signal: SIGTERM, gracePeriod: .seconds(30))
    }

    /// Returns the trim lines once `count` processes have trimmed (``StartUpMemoryTrim``: after 10 s idle).
    func waitForStartUpMemoryTrims(count: Int, timeout: Duration = .seconds(60)) async throws -> [String] {
        let deadline = ContinuousClock.now + timeout
        while stderrTail.trimLines.count < count {
            try checkRunning()
            guard ContinuousClock.now < deadline else {
                throw failure("\(stderrTail.trimLines.count) of \(count) processes reported their start-up memory trim within \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        return stderrTail.trimLines
    }

    func checkRunning() throws {
        if let status = process.exitStatus {
            throw failure("the supervisor exited (\(status))")
        }
    }

    func failure(_ message: String) -> BenchmarkFailure {
        BenchmarkFailure("\(message). Last lines of the supervisor's standard error:\n" + stderrTail.lines.joined(separator: "\n"))
    }
}

/// Keeps the last lines the supervisor wrote to standard error, to explain a failure, and the lines
/// reporting a start-up memory trim (its own and its workers').
final class StderrCollector: Sendable {
    private let tail = Mutex<[String]>([])
    private let trims = Mutex<[String]>([])
    static let keep = 40
    /// What ``StartUpMemoryTrim`` logs, in the supervisor's lines and the workers' it forwards.
    static let trimMarker = "start-up memory handed back"

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
        if line.contains(Self.trimMarker) { trims.withLock { $0.append(line) } }
        tail.withLock { lines in
            lines.append(line)
            if lines.count > Self.keep { lines.removeFirst(lines.count - Self.keep) }
        }
    }

    var lines: [String] { tail.withLock { $0 } }
    var trimLines: [String] { trims.withLock { $0 } }
}

struct BenchmarkFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
