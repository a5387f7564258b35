import Foundation
import Offload

/// What the supervisor knows about one worker process.
struct ManagedWorker {
    enum State: Equatable {
        /// Spawned, has not said `ready`.
        case starting
        case ready
        /// Asked to stop (SIGTERM): finishing its tasks. SIGKILL at `deadline`.
        case draining(deadline: ContinuousClock.Instant)
    }

    /// Why the supervisor stopped the worker, which decides what its exit means.
    enum StopReason: Equatable {
        case shutdown, scaledDown, replaced, recycledForMemory(mebibytes: Int)
        case hung(silence: Duration)
        case startTimeout
        case timeLimit(TaskResultID, limit: Duration)
        /// A cancelled task ignored its cancellation for the grace period.
        case cancellationIgnored(TaskResultID)

        /// Whether the worker is killed for misbehaving (its tasks count a failed attempt).
        var isFault: Bool {
            switch self {
            case .hung, .startTimeout, .timeLimit, .cancellationIgnored: true
            default: false
            }
        }
    }

    /// A started attempt and, when it has a timeout, when the supervisor kills the worker for it.
    struct RunningTask {
        var startedAt: ContinuousClock.Instant
        var hardDeadline: ContinuousClock.Instant?
        var limit: Duration?
        /// The worker said it cancelled this attempt (`cancelling`): `hardDeadline` is the end of its grace period.
        var cancelling = false
    }

    let serial: Int
    let id: String
    let queue: String
    let index: Int
    let generation: Int
    let process: ChildProcess
    let lifeline: Int32
    let stderrTail: StderrTail
    let spawnedAt: ContinuousClock.Instant
    var state: State = .starting
    var lastHeartbeat: ContinuousClock.Instant
    var running: [TaskResultID: RunningTask] = [:]
    var tasksDone = 0
    var stopReason: StopReason?

    var label: String { "\(queue).\(index)" }

    var isDraining: Bool {
        if case .draining = state { return true }
        return false
    }
}
