import Foundation
import Logging
import Offload
import ServiceLifecycle
import Synchronization

/// Claims tasks from a store and runs them, `concurrency` at a time, until asked to stop.
///
/// The loop, in order: start claimed tasks while there are free slots; when the claimed tasks run
/// out, record the finished attempts and claim the next batch in one transaction; when nothing is
/// ready, sleep until the database changes (or a delayed task comes due). A graceful shutdown stops
/// claiming, lets running tasks finish within ``WorkerConfiguration/gracefulTimeout``, hands back
/// tasks claimed but not started, and removes the worker from the registry.
public final class Worker<Store: TaskStore>: Service {
    public let store: Store
    public let registry: TaskRegistry
    public let configuration: WorkerConfiguration
    let logger: Logger
    let status: StatusReporter
    let doorbell = Doorbell()
    let stopBell = Doorbell()
    /// Ends a back-off after a failed store call early: rung by stop requests only, never by database
    /// changes, which a failing store can cause many times a second.
    let backoffBell = Doorbell()
    /// Rung as the first attempt of a busy spell begins: the cancel poll sleeps on it while the worker holds no task.
    let taskBegan = Doorbell()
    let busyBeacon: BusyBeacon
    let stopRequested = Atomic<Bool>(false)
    let tasksDone = Atomic<Int>(0)
    let currentTasks = Mutex<Set<TaskResultID>>([])
    /// When the registry last recorded this worker's heartbeat (see Worker+registry.swift).
    let lastRegistryBeat = Mutex(ContinuousClock.now)
    let cancellations = RunningCancellations()
    let startedAt = Date()

    public init(store: Store, registry: TaskRegistry, configuration: WorkerConfiguration, logger: Logger = Logger(label: "offload.worker")) {
        precondition(configuration.concurrency >= 1, "concurrency must be at least 1")
        self.store = store
        self.registry = registry
        self.configuration = configuration
        self.logger = logger
        let status = StatusReporter.fromEnvironment()
        self.status = status
        self.busyBeacon = BusyBeacon(status: status, interval: configuration.heartbeatInterval)
    }

    /// How many attempts this worker has finished.
    public var finishedAttempts: Int { tasksDone.load(ordering: .relaxed) }

    /// Asks the worker to stop claiming and finish; the same as a graceful shutdown.
    public func requestStop() {
        if !stopRequested.exchange(true, ordering: .relaxed) {
            status.report(.draining)
            logger.info("draining: no new tasks will be claimed", metadata: ["worker": "\(configuration.workerID)"])
        }
        doorbell.ring()
        stopBell.ring()
        backoffBell.ring()
    }

    public func run() async throws {
        busyBeacon.start { [self] in finishedAttempts }
        defer { busyBeacon.stop() }
        // Watch for changes before anyone can hear `ready`: a task enqueued between the first claim and a
        // watch set up later would wait for the safety poll. The stream keeps what arrives until it is read.
        let wakeUps = store.wakeUps()
        // Ready once the store is open: a database that is locked or unreachable now is waited out below,
        // with heartbeats, rather than failing start-up.
        status.report(.ready)
        logger.info("worker ready", metadata: ["worker": "\(configuration.workerID)", "queues": "\(configuration.queues)", "concurrency": "\(configuration.concurrency)"])
        var registered = false
        let controlThread = ControlThread(name: "offload.control")
        defer { controlThread.stop() }
        try await withGracefulShutdownHandler {
            registered = await self.register()
            guard registered else { return }
            try await withThrowingTaskGroup(of: LoopEnd.self) { group in
                group.addTask { try await self.claimLoop(); return .claimLoopFinished }
                group.addTask { await self.forward(wakeUps); return .helperFinished }
                group.addTask { await self.heartbeatLoop(); return .helperFinished }
                group.addTask(executorPreference: controlThread) { await self.registryHeartbeatLoop(); return .helperFinished }
                group.addTask(executorPreference: controlThread) { await self.watchForCancellations(); return .helperFinished }
                group.addTask { await self.waitForGracefulTimeout(); return .gracefulTimeoutExpired }
                while let end = try await group.next() {
                    switch end {
                    case .claimLoopFinished:
                        group.cancelAll()
                        return
                    case .gracefulTimeoutExpired:
                        // Cancelling the group cancels the running tasks; the claim loop still
                        // records their outcomes and hands back unstarted tasks before it returns.
                        self.logger.warning("graceful timeout of \(self.configuration.gracefulTimeout) expired: cancelling the tasks still running")
                        group.cancelAll()
                    case .helperFinished:
                        continue
                    }
                }
            }
        } onGracefulShutdown: {
            self.requestStop()
        }
        guard registered else {
            logger.info("worker stopped before it could register", metadata: ["worker": "\(configuration.workerID)"])
            return
        }
        try await busyBeacon.during { try await store.unregisterWorker(id: configuration.workerID) }
        logger.info("worker stopped", metadata: ["worker": "\(configuration.workerID)", "attempts": "\(finishedAttempts)"])
    }

    private func forward(_ wakeUps: AsyncStream<Void>) async {
        for await _ in wakeUps {
            doorbell.ring()
        }
    }

    /// Enters the registry of workers before the first claim (a sweep takes the tasks of a worker missing
    /// from it for orphans), waiting out a store that fails; returns `false` if asked to stop first.
    private func register() async -> Bool {
        var backoff = StoreBackoff()
        while !stopRequested.load(ordering: .relaxed), !Task.isCancelled {
            do {
                try await busyBeacon.during { try await store.heartbeat(registryRecord(state: "running")) }
                lastRegistryBeat.withLock { $0 = .now }
                backoff.succeeded(doing: "register the worker", logger: logger)
                return true
            } catch {
                await backoffBell.wait(timeout: backoff.failed(error, doing: "register the worker in the task store", logger: logger))
            }
        }
        return false
    }

    /// Tells the supervisor the worker is alive, from the cooperative pool on purpose: if the pool stops
    /// turning with no store call and no task in flight, the beats stop and the worker is caught as hung
    /// (``BusyBeacon`` beats while those hold the pool). Also hands start-up memory back once idle.
    private func heartbeatLoop() async {
        var memoryTrim = StartUpMemoryTrim(after: configuration.startUpMemoryTrimDelay)
        var attemptsAtLastBeat = finishedAttempts
        while !Task.isCancelled {
            try? await Task.sleep(for: configuration.heartbeatInterval)
            let attempts = finishedAttempts
            status.report(.heartbeat(tasksDone: attempts))
            if memoryTrim.isPending {
                let busy = attempts != attemptsAtLastBeat || !currentTasks.withLock(\.isEmpty) || stopRequested.load(ordering: .relaxed)
                attemptsAtLastBeat = attempts
                if memoryTrim.isDue(busy: busy, at: .now) {
                    StartUpMemoryTrim.trim(logger: logger)
                }
            }
        }
    }

    private enum LoopEnd: Sendable {
        case claimLoopFinished, helperFinished, gracefulTimeoutExpired
    }

    /// Returns `gracefulTimeout` after a stop is asked for (or never, if the worker finishes first).
    private func waitForGracefulTimeout() async {
        while !stopRequested.load(ordering: .relaxed) {
            await stopBell.wait(timeout: .seconds(3600))
            if Task.isCancelled { return }
        }
        try? await Task.sleep(for: configuration.gracefulTimeout)
    }
}
