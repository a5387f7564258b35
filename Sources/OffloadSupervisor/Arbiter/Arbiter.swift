import Foundation
import Logging
import Offload
import OffloadWorker

/// The supervision loop's state and the handlers that change it, in the manner of gunicorn's arbiter.
///
/// Only the loop in ``Supervisor/run()`` touches an arbiter, one event at a time, so its state needs
/// no lock. Child tasks (status readers, exit waiters, signal and tick sources) only send events.
final class Arbiter {
    enum Phase: Equatable {
        case starting
        case running
        /// Draining every worker; SIGKILL for the rest at `deadline`.
        case stopping(deadline: ContinuousClock.Instant)
    }

    var configuration: SupervisorConfiguration
    let store: any TaskStore
    let logger: Logger
    let events: AsyncStream<SupervisorEvent>.Continuation
    let printer: ChildOutputPrinter
    let notifier: SystemdNotifier
    var watchdog: SystemdWatchdog?
    let reloadConfiguration: (@Sendable () throws -> SupervisorConfiguration)?

    var phase = Phase.starting
    var workers: [Int: ManagedWorker] = [:]
    var queues: [String: QueuePool] = [:]
    var nextSerial = 1
    let host = WorkerConfiguration.hostName()
    let supervisorID: String
    /// A replacement of every queue's workers under way, with who to tell when it ends.
    var swap: GenerationSwap?
    var lastStatusNotification: ContinuousClock.Instant = .now - .seconds(3600)
    var lastStatusLine = ""
    var lastMemoryCheck: ContinuousClock.Instant = .now
    /// A second sweep soon after start-up catches workers of a dead predecessor that were still exiting.
    var nextRegistrySweep: ContinuousClock.Instant = .now + .seconds(3)
    var registrySweepRunning = false
    /// Whether the store has answered long enough for heartbeats to mean something.
    var storeContact = StoreContact()
    var statusCountsRunning = false
    /// Exited workers whose tasks are being settled; shutdown waits for them.
    var workersBeingRecovered: Set<String> = []
    /// Whether reaching ``SpawnLimits/maximumWorkers`` has been logged since it was last left.
    var ceilingReported = false
    /// The queues the worker's tasks declare, from `--describe-tasks`; `nil` when it cannot say.
    var declaredQueues: [String]?
    /// What the worker last said of its tasks (`--describe-tasks`), for re-resolving schedules on SIGHUP.
    var taskDescription: TaskDescription?
    /// The schedules in force, which SIGHUP and a rebuild replace; `nil` until `Supervisor.run` sets it.
    var schedules: ScheduleBook?
    var unservedWatch = UnservedQueueWatch()
    /// Events not yet written to the database's counters (see Arbiter+eventCounts).
    var unsentEventCounts: [String: Int] = [:]
    var eventCountFlushRunning = false
    var lastEventCountFlush: ContinuousClock.Instant = .now
    /// Hands start-up code back to the kernel once the supervisor has settled (see Arbiter+memoryTrim).
    var memoryTrim: StartUpMemoryTrim
    var attemptsAtLastTrimCheck = 0

    init(configuration: SupervisorConfiguration, store: any TaskStore, logger: Logger, events: AsyncStream<SupervisorEvent>.Continuation, notifier: SystemdNotifier, reloadConfiguration: (@Sendable () throws -> SupervisorConfiguration)?) {
        self.configuration = configuration
        self.store = store
        self.logger = logger
        self.events = events
        self.printer = ChildOutputPrinter(colored: configuration.colorOutput)
        self.notifier = notifier
        self.watchdog = SystemdWatchdog()
        self.reloadConfiguration = reloadConfiguration
        self.supervisorID = "\(host):\(getpid())"
        self.memoryTrim = StartUpMemoryTrim(after: configuration.startUpMemoryTrimDelay)
        for queue in configuration.queues {
            queues[queue] = QueuePool(name: queue, target: configuration.workerCount(for: queue))
        }
    }

    var isStopping: Bool {
        if case .stopping = phase { return true }
        return false
    }

    /// Workers of `queue` that count toward its target: current generation, not draining.
    func activeWorkers(of queue: String) -> [ManagedWorker] {
        guard let pool = queues[queue] else { return [] }
        return workers.values.filter { $0.queue == queue && $0.generation == pool.generation && !$0.isDraining }
    }

    func metadata(_ worker: ManagedWorker) -> Logger.Metadata {
        ["worker": "\(worker.label)", "pid": "\(worker.process.pid)", "queue": "\(worker.queue)"]
    }

    func sendSignal(_ signal: Int32, to worker: ManagedWorker) {
        _ = worker.process.send(signal)
    }
}

/// A replacement of workers by a new generation (after a rebuild, or SIGHUP).
struct GenerationSwap {
    var reason: String
    var queuesLeft: [String]
    var current: String?
    var startedAt: ContinuousClock.Instant
    var onReady: [@Sendable (Result<Void, SwapFailure>) -> Void]
}
