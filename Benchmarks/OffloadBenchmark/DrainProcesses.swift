import Foundation
import Offload

/// What a drain runs on: workers under a supervisor (``SupervisorSession``) or the same workers alone
/// (``StandaloneWorkers``), and the benchmark's own connection to their database. The two differ only in
/// how they start and stop and in what must keep running; the lifecycle, the waits and the children's
/// environment are shared here.
protocol DrainProcesses: Sendable {
    associatedtype Scratch: ScratchTaskStore
    var database: Scratch { get }
    /// How many workers must register before the session is ready.
    var workerCount: Int { get }
    /// The supervisor's pid, or `nil` when the workers run without one.
    var supervisorPID: pid_t? { get }
    /// The pids of the registered workers, as the workers recorded them.
    func workerPIDs() async throws -> [pid_t]
    /// Starts the processes; ``started(_:)`` then waits for their workers to register.
    static func start(options: BenchmarkOptions, database: Scratch, workers: Int) async throws -> Self
    /// SIGTERM, then up to 30 s for the processes to drain and exit.
    func shutDown() async
    /// Throws when a process the session needs has exited.
    func checkRunning() throws
    /// An error for `message`, with what the processes said when they can tell.
    func failure(_ message: String) -> BenchmarkFailure
}

extension DrainProcesses {
    /// The benchmark's own connection to the database (another process, from the workers' point of view).
    var store: Scratch.Store { database.store }

    /// The caller's environment for the children, so that their settings come from their flags alone: no
    /// OFFLOAD_* variable of the caller's except the PostgreSQL password file, which a `--postgres` URL
    /// without a password may rely on, and no systemd notification socket.
    static var childEnvironment: [String: String] {
        ProcessInfo.processInfo.environment.filter {
            (!$0.key.hasPrefix("OFFLOAD_") || $0.key == "OFFLOAD_DATABASE_PASSWORD_FILE") && $0.key != "NOTIFY_SOCKET"
        }
    }

    /// Starts a session on `database`, runs `body` with it, then stops it and removes the database,
    /// whether `body` succeeded or not.
    static func with<Result>(
        options: BenchmarkOptions, database: Scratch, workers: Int, _ body: (Self) async throws -> Result
    ) async throws -> Result {
        let session: Self
        do {
            session = try await started(start(options: options, database: database, workers: workers))
        } catch {
            await database.remove()
            throw error
        }
        do {
            let result = try await body(session)
            await session.shutDown()
            await database.remove()
            return result
        } catch {
            await session.shutDown()
            await database.remove()
            throw error
        }
    }

    /// Returns `session` once its workers are registered and claiming; stops it if they never are.
    static func started(_ session: Self, timeout: Duration = .seconds(30)) async throws -> Self {
        do {
            let deadline = ContinuousClock.now + timeout
            while try await session.store.workers().filter({ $0.state == "running" }).count < session.workerCount {
                try session.checkRunning()
                guard ContinuousClock.now < deadline else {
                    throw session.failure("\(session.workerCount) workers did not register within \(timeout)")
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            return session
        } catch {
            await session.shutDown()
            throw error
        }
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
}
