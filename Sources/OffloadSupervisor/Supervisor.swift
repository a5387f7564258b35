import Foundation
import Logging
import Offload
import OffloadWorker
import ServiceLifecycle

/// Runs worker processes for each queue and keeps them running: the `supervisor` command's engine.
///
/// One loop owns all state and reacts to one event at a time, like gunicorn's arbiter:
/// a worker's status line, a worker's exit, a signal, a control request, or a tick. On each tick it
/// checks health (hung workers, time limits, memory), brings every queue back to its target count,
/// and pings the systemd watchdog. Signal handlers only enqueue events.
///
/// ```swift
/// let supervisor = Supervisor(configuration: configuration, store: try SQLiteTaskStore(path: path))
/// try await supervisor.run()   // until SIGTERM/SIGINT and every worker has stopped
/// ```
///
/// Signals: SIGTERM/SIGINT drain the workers (running tasks finish within the graceful timeout,
/// then SIGKILL) and return; a second SIGINT kills at once; SIGHUP re-reads the configuration.
public final class Supervisor: Service {
    public let configuration: SupervisorConfiguration
    let store: any TaskStore
    let logger: Logger
    let handlesSignals: Bool
    let reloadConfiguration: (@Sendable () throws -> SupervisorConfiguration)?
    private let requests: AsyncStream<SupervisorEvent>.Continuation
    private let requestStream: AsyncStream<SupervisorEvent>

    /// - Parameters:
    ///   - handlesSignals: listen for SIGTERM, SIGINT and SIGHUP itself (the `supervisor` executable);
    ///     turn off when a `ServiceGroup` owns the signals.
    ///   - reloadConfiguration: how SIGHUP re-reads the configuration.
    public init(configuration: SupervisorConfiguration, store: any TaskStore, logger: Logger = Logger(label: "offload.supervisor"), handlesSignals: Bool = true, reloadConfiguration: (@Sendable () throws -> SupervisorConfiguration)? = nil) {
        self.configuration = configuration
        self.store = store
        self.logger = logger
        self.handlesSignals = handlesSignals
        self.reloadConfiguration = reloadConfiguration
        (requestStream, requests) = AsyncStream.makeStream(of: SupervisorEvent.self)
    }

    /// Replaces every queue's workers with freshly started ones (for instance after a rebuild) and
    /// returns once they are all ready, or throws ``SwapFailure`` when the new ones failed and the old
    /// ones were kept.
    public func replaceAllWorkers(reason: String) async throws {
        // The new build may declare other queues and schedules: learn them before its workers start.
        let description = await QueueDiscovery.describeTasks(
            of: configuration.workerExecutable, environment: QueueDiscovery.environment(for: configuration),
            workingDirectory: configuration.workingDirectory, logger: logger)
        requests.yield(.tasksDescribed(description))
        let result = await withCheckedContinuation { continuation in
            requests.yield(.replaceAllWorkers(reason: reason, onReady: { continuation.resume(returning: $0) }))
        }
        try result.get()
    }

    public func run() async throws {
        try Self.checkWorkerExecutable(configuration.workerExecutable)
        let (configuration, declaredQueues, description) = try await QueueDiscovery.resolve(self.configuration, logger: logger)
        let schedules = ScheduleBook(try SchedulePlan.resolve(configured: configuration.configuredSchedules, description: description))
        let scheduler = Scheduler(book: schedules, store: store, logger: logger)
        try SpawnLimits.checkWorkerCounts(of: configuration)
        var handled: Set<Int32> = [SIGTERM, SIGINT, SIGHUP]
        if Arbiter.loopStallForTesting != nil { handled.insert(SIGUSR2) }
        let signals = handlesSignals ? SignalStream.make(for: handled) : AsyncStream { $0.finish() }
        let (events, continuation) = AsyncStream.makeStream(of: SupervisorEvent.self)
        let arbiter = Arbiter(
            configuration: configuration, store: store, logger: logger, events: continuation,
            notifier: SystemdNotifier(), reloadConfiguration: reloadConfiguration)
        arbiter.declaredQueues = declaredQueues
        arbiter.taskDescription = description
        arbiter.schedules = schedules

        // Before the first workers start: what a dead predecessor left RUNNING goes back to PENDING.
        await arbiter.sweepRegistryBeforeStart()
        let control = try configuration.controlSocket.map { path in
            try ControlServer.start(path: path, database: configuration.database, logger: logger) { request in
                await withCheckedContinuation { reply in
                    continuation.yield(.control(request, reply: { reply.resume(returning: $0) }))
                }
            }
        }
        defer { control?.stop() }
        logger.notice("supervisor \(getpid()) starting: queues \(configuration.queues.joined(separator: ", ")), worker \(configuration.workerExecutable), database \(configuration.database)\(control.map { ", control socket \($0.path)" } ?? "")")

        let requests = requestStream
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                group.addTask {
                    for await signal in signals { continuation.yield(.signal(signal)) }
                }
                group.addTask {
                    for await request in requests { continuation.yield(request) }
                }
                let tick = min(Duration.milliseconds(250), configuration.heartbeatInterval / 2)
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: tick)
                        continuation.yield(.tick)
                    }
                }
                group.addTask { await scheduler.run() }
                await arbiter.reconcile(group: &group)
                for await event in events {
                    await arbiter.handle(event, group: &group)
                    if arbiter.isFinished { break }
                }
                group.cancelAll()
            }
        } onGracefulShutdown: {
            continuation.yield(.gracefulShutdown)
        }
        await arbiter.flushEventCountsAtExit()
        logger.notice("supervisor stopped")
    }

    /// Fails before anything starts when the worker executable is missing, with what to do.
    ///
    /// - Throws: ``ConfigurationError``: the `worker` setting names nothing that can run.
    static func checkWorkerExecutable(_ path: String) throws(ConfigurationError) {
        guard FileManager.default.fileExists(atPath: path) else {
            throw ConfigurationError(.invalidValue, "The worker executable \(path) does not exist. Build it (swift build --product <worker>) or point --worker / `worker =` at it.")
        }
        guard access(path, X_OK) == 0 else {
            throw ConfigurationError(.invalidValue, "The worker executable \(path) is not executable (chmod +x it, or check the mount's noexec option).")
        }
    }
}

/// A reason the supervisor cannot start, with what to do about it.
public struct SupervisorError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension Arbiter {
    /// One event, then the checks that follow every event.
    func handle(_ event: SupervisorEvent, group: inout DiscardingTaskGroup) async {
        switch event {
        case .worker(let serial, let workerEvents):
            handle(workerEvents, from: serial)
        case .workerExited(let serial, let status):
            handleExit(of: serial, status: status, group: &group)
        case .signal(let signal):
            await handleSignal(signal)
        case .tick:
            checkHealth()
            checkSwapTimeout()
            checkStopDeadline()
            checkMemoryOccasionally()
            pingWatchdog()
            startStatusUpdateWhenDue(group: &group)
            startRegistrySweepWhenDue(group: &group)
            startUnservedQueueCheckWhenDue(group: &group)
            startEventCountFlushWhenDue(group: &group)
            trimStartUpMemoryWhenSettled()
        case .control(let request, let reply):
            reply(handle(request))
        case .tasksDescribed(let description):
            applyDeclaredQueues(description?.queues)
            applyDeclaredSchedules(description)
        case .replaceAllWorkers(let reason, let onReady):
            beginSwap(reason: reason, onReady: onReady)
        case .gracefulShutdown:
            beginShutdown(reason: "graceful shutdown")
        case .storeWorkFinished(let finished):
            handle(finished)
        }
        await reconcile(group: &group)
    }

    /// During shutdown, SIGKILL whatever is still running at the deadline.
    func checkStopDeadline() {
        guard case .stopping(let deadline) = phase, ContinuousClock.now >= deadline else { return }
        for worker in workers.values {
            logger.warning("graceful timeout expired: killing worker", metadata: metadata(worker))
            sendSignal(SIGKILL, to: worker)
        }
        phase = .stopping(deadline: .now + .seconds(3600))
    }

    func checkMemoryOccasionally() {
        let now = ContinuousClock.now
        guard now - lastMemoryCheck >= .seconds(1) else { return }
        lastMemoryCheck = now
        checkMemory()
    }
}
