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

        /// Whether the worker is killed for misbehaving (its tasks count a failed attempt).
        var isFault: Bool {
            switch self {
            case .hung, .startTimeout, .timeLimit: true
            default: false
            }
        }
    }

    /// A started attempt and, when it has a timeout, when the supervisor kills the worker for it.
    struct RunningTask {
        var startedAt: ContinuousClock.Instant
        var hardDeadline: ContinuousClock.Instant?
        var limit: Duration?
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
    /// Every attempt the worker reported starting, finished or not: a task it finished but whose
    /// result it had not yet written when it died did run, so recovery must count that attempt.
    private(set) var started: Set<TaskResultID> = []
    /// Start order, to forget old attempts: a worker records results at least once per claim batch
    /// (at most 64 tasks), so an attempt thousands of starts old is long recorded.
    private(set) var startOrder: [TaskResultID] = []
    var tasksDone = 0
    var stopReason: StopReason?

    var label: String { "\(queue).\(index)" }

    mutating func recordStarted(_ id: TaskResultID) {
        started.insert(id)
        startOrder.append(id)
        if startOrder.count > 8192 {
            for old in startOrder.prefix(4096) where running[old] == nil { started.remove(old) }
            startOrder.removeFirst(4096)
        }
    }

    var isDraining: Bool {
        if case .draining = state { return true }
        return false
    }
}
