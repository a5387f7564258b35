import Foundation
import Offload

/// What a drain runs on: workers under a supervisor (``SupervisorSession``) or the same workers alone
/// (``StandaloneWorkers``), and the benchmark's own connection to their database.
protocol DrainProcesses: Sendable {
    associatedtype Scratch: ScratchTaskStore
    var database: Scratch { get }
    /// The supervisor's pid, or `nil` when the workers run without one.
    var supervisorPID: pid_t? { get }
    /// The pids of the registered workers, as the workers recorded them.
    func workerPIDs() async throws -> [pid_t]
    /// Polls until `count` tasks are SUCCESSFUL, and throws when a process the drain needs has exited.
    func waitUntilSuccessful(_ count: Int, timeout: Duration, interval: Duration) async throws
}

extension SupervisorSession: DrainProcesses {
    var supervisorPID: pid_t? { process.pid }
}

extension StandaloneWorkers: DrainProcesses {
    var supervisorPID: pid_t? { nil }

    func workerPIDs() async throws -> [pid_t] {
        processes.map(\.pid).sorted()
    }
}
