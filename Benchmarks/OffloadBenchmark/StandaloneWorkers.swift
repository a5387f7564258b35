import Foundation
import Offload
import OffloadSupervisor
import OffloadWorker

/// `workers` release workers on a scratch database with no supervisor: each started with the flags the
/// supervisor gives its own (``SupervisorSession``), minus the status pipe and the lifeline, which only a
/// supervisor provides. Part 3 drains through these and through a supervisor with the same workers, in the
/// same run, so that the difference is what the supervisor costs.
final class StandaloneWorkers<Scratch: ScratchTaskStore>: Sendable {
    let processes: [ChildProcess]
    let database: Scratch

    var store: Scratch.Store { database.store }

    private init(processes: [ChildProcess], database: Scratch) {
        self.processes = processes
        self.database = database
    }

    /// Starts the workers and returns once each is registered and claiming.
    static func start(options: BenchmarkOptions, database: Scratch, workers: Int) async throws -> StandaloneWorkers {
        // As for the supervisor: settings from the flags alone, and no status pipe or lifeline variable.
        let environment = ProcessInfo.processInfo.environment.filter {
            (!$0.key.hasPrefix("OFFLOAD_") || $0.key == "OFFLOAD_DATABASE_PASSWORD_FILE") && $0.key != "NOTIFY_SOCKET"
        }.merging([WorkerProcessContract.backtraceVariable: WorkerProcessContract.defaultBacktraceSetting]) { current, _ in current }
        var processes: [ChildProcess] = []
        do {
            for index in 0..<workers {
                processes.append(try await ChildProcess.spawn(SpawnRequest(
                    executable: database.worker,
                    arguments: [
                        "--queue-name", TaskOptions.defaultQueueName,
                        "--database", database.location,
                        "--worker-id", "standalone-\(database.name)-\(index)",
                        "--concurrency", "1",
                        "--graceful-timeout", "30",
                        "--heartbeat-interval", "1",
                        "--log-level", "warning",
                    ],
                    environment: environment,
                    workingDirectory: options.directory,
                    output: .discard)))
            }
        } catch {
            for process in processes { await process.terminate(gracePeriod: .seconds(30)) }
            throw error
        }
        let session = StandaloneWorkers(processes: processes, database: database)
        do {
            try await session.waitForRegistration()
        } catch {
            await session.stop()
            throw error
        }
        return session
    }

    /// Starts the workers on `database`, runs `body`, then stops them and removes the database, whatever happens.
    static func with<Result>(
        options: BenchmarkOptions, database: Scratch, workers: Int, _ body: (StandaloneWorkers) async throws -> Result
    ) async throws -> Result {
        let session: StandaloneWorkers
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

    /// SIGTERM to every worker, then up to 30 s each to drain and exit.
    func stop() async {
        for process in processes { _ = process.send(SIGTERM) }
        for process in processes { await process.terminate(gracePeriod: .seconds(30)) }
    }

    private func waitForRegistration(timeout: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now + timeout
        while try await store.workers().filter({ $0.state == "running" }).count < processes.count {
            try checkRunning()
            guard ContinuousClock.now < deadline else {
                throw BenchmarkFailure("\(processes.count) standalone workers did not register within \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Polls every `interval` until `count` tasks are SUCCESSFUL; coarse on purpose, as ``SupervisorSession``'s.
    func waitUntilSuccessful(_ count: Int, timeout: Duration, interval: Duration = .milliseconds(100)) async throws {
        let deadline = ContinuousClock.now + timeout
        while try await store.counts().reduce(0, { $0 + $1.successful }) < count {
            try checkRunning()
            guard ContinuousClock.now < deadline else {
                throw BenchmarkFailure("the standalone workers did not finish \(count) tasks within \(timeout)")
            }
            try await Task.sleep(for: interval)
        }
    }

    private func checkRunning() throws {
        if let exited = processes.first(where: { $0.exitStatus != nil }), let status = exited.exitStatus {
            throw BenchmarkFailure("standalone worker \(exited.pid) exited (\(status))")
        }
    }
}
