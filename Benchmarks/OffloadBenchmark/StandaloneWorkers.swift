import Foundation
import Offload
import OffloadSupervisor
import OffloadWorker

/// `workers` release workers on a scratch database with no supervisor: each started with the flags the
/// supervisor gives its own (``SupervisorSession``), minus the status pipe and the lifeline, which only a
/// supervisor provides. Part 3 drains through these and through a supervisor with the same workers, in the
/// same run, so that the difference is what the supervisor costs. The lifecycle and the waits are
/// ``DrainProcesses``'s, shared with ``SupervisorSession``.
final class StandaloneWorkers<Scratch: ScratchTaskStore>: DrainProcesses {
    let processes: [ChildProcess]
    let database: Scratch

    var workerCount: Int { processes.count }
    var supervisorPID: pid_t? { nil }

    private init(processes: [ChildProcess], database: Scratch) {
        self.processes = processes
        self.database = database
    }

    /// Spawns the workers; ``DrainProcesses/started(_:timeout:)`` waits for them to register.
    static func start(options: BenchmarkOptions, database: Scratch, workers: Int) async throws -> StandaloneWorkers {
        // As for the supervisor, plus the backtrace setting a supervisor gives its workers.
        let environment = childEnvironment
            .merging([WorkerProcessContract.backtraceVariable: WorkerProcessContract.defaultBacktraceSetting]) { current, _ in current }
            .merging(options.workerEnvironment) { _, added in added }
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
        return StandaloneWorkers(processes: processes, database: database)
    }

    func workerPIDs() async throws -> [pid_t] {
        processes.map(\.pid).sorted()
    }

    /// SIGTERM to every worker, then up to 30 s each to drain and exit.
    func shutDown() async {
        for process in processes { _ = process.send(SIGTERM) }
        for process in processes { await process.terminate(gracePeriod: .seconds(30)) }
    }

    func checkRunning() throws {
        if let exited = processes.first(where: { $0.exitStatus != nil }), let status = exited.exitStatus {
            throw BenchmarkFailure("standalone worker \(exited.pid) exited (\(status))")
        }
    }

    func failure(_ message: String) -> BenchmarkFailure {
        BenchmarkFailure("standalone workers: \(message)")
    }
}
