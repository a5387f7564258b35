import Offload
import OffloadWorker

/// Everything the supervision loop reacts to, funnelled into one stream so one loop owns all state.
enum SupervisorEvent: Sendable {
    /// The lines a worker wrote on its status pipe since the last read, in order.
    case worker(serial: Int, [WorkerEvent])
    /// A worker process ended; its stderr has been drained.
    case workerExited(serial: Int, ExitStatus)
    /// SIGTERM, SIGINT or SIGHUP.
    case signal(Int32)
    /// Time passes: health checks, deadlines, respawns, the systemd watchdog.
    case tick
    /// A `supervisor ctl` request, answered through `reply`.
    case control(ControlRequest, reply: @Sendable (ControlResponse) -> Void)
    /// A new worker build describes its tasks (their queues and schedules; `nil`: it cannot); sent before its swap.
    case tasksDescribed(TaskDescription?)
    /// Someone asked for new workers (a rebuilt binary in development).
    case replaceAllWorkers(reason: String, onReady: @Sendable (Result<Void, SwapFailure>) -> Void)
    /// The embedding `ServiceGroup` asked for a graceful shutdown.
    case gracefulShutdown
    /// A store call the loop did not wait for has ended.
    case storeWorkFinished(StoreWorkFinished)
}

/// Store calls that run beside the loop (see `Arbiter+storeWork.swift`).
enum StoreWorkFinished: Sendable {
    /// The tasks of an exited worker are settled, or could not be.
    case recovery(workerID: String)
    case registrySweep(succeeded: Bool)
    /// Pending counts for systemd's STATUS= line; `nil` when the store did not answer.
    case pendingCounts([QueueCounts]?)
    /// Queues with PENDING tasks that no live worker serves; `nil` when the store did not answer.
    case unservedQueues([UnservedQueue]?)
    /// The queues paused with `offload pause`, read with the unserved ones.
    case pausedQueues([PausedQueue])
    /// The supervisor's event counts were written (`unsent` empty) or not (kept for the next try).
    case eventCounts(unsent: [String: Int])
}

/// Why new workers did not take over.
public struct SwapFailure: Error, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
