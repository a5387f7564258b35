import Foundation
import OffloadWorker

/// Everything the supervisor needs to run workers; every duration has a documented default.
///
/// The `supervisor` executable builds it from flags, `OFFLOAD_*` environment variables and the
/// configuration file, in that order of precedence.
public struct SupervisorConfiguration: Sendable, Equatable {
    /// The task database the workers serve.
    public var database: String
    /// Absolute path of the worker executable.
    public var workerExecutable: String
    /// The queues to run workers for, each with its own pool.
    public var queues: [String]
    /// How ``queues`` is completed from the queues the worker's tasks declare, before the workers start;
    /// `nil`: ``queues`` is final (a library user building the configuration by hand).
    public var queuePlan: QueuePlan? = nil
    /// The `schedule.NAME` lines of the configuration file, checked against the worker's tasks at start.
    public var configuredSchedules: [ConfiguredSchedule] = []
    /// Worker processes per queue; a queue missing here gets ``defaultWorkerCount``.
    public var workerCounts: [String: Int] = [:]
    public var defaultWorkerCount: Int = 1
    /// Tasks at once in each worker process (`--concurrency`).
    public var concurrency: Int = 1
    /// How long draining workers get to finish their tasks before they are killed.
    public var gracefulTimeout: Duration = .seconds(30)
    /// How often workers report they are alive.
    public var heartbeatInterval: Duration = .seconds(1)
    /// A worker silent for this long is hung: it is sent SIGTERM, then SIGKILL, and replaced.
    public var heartbeatTimeout: Duration = .seconds(10)
    /// A worker that has not said it is ready after this long is treated as hung at start-up.
    public var startTimeout: Duration = .seconds(30)
    /// Between SIGTERM and SIGKILL for a hung worker.
    public var killGrace: Duration = .seconds(2)
    /// Extra time after a task's own timeout before its worker is killed (the task ignored cancellation).
    public var timeoutGrace: Duration = .seconds(5)
    /// Workers exit after this many attempts and are replaced; `nil` for never.
    public var maxTasksPerWorker: Int? = nil
    /// A worker whose resident memory exceeds this many MiB is drained and replaced; `nil` for no ceiling.
    public var maxWorkerMemoryMiB: Int? = nil
    /// Expected work each worker claims beyond its free slots (`--prefetch-budget`); `.zero`: none.
    public var workerPrefetchBudget: Duration = WorkerConfiguration.defaultPrefetchBudget
    /// Idle time after start-up before the supervisor, and each worker, hands its start-up code pages back to
    /// the kernel, once (``StartUpMemoryTrim``); `nil`: never.
    public var startUpMemoryTrimDelay: Duration? = StartUpMemoryTrim.defaultDelay
    /// First and longest wait before respawning a crashed worker; the wait doubles per consecutive crash.
    public var restartBackoffInitial: Duration = .milliseconds(100)
    public var restartBackoffMaximum: Duration = .seconds(30)
    /// After this many consecutive deaths during start-up, a queue stops respawning (no fork bomb).
    public var startupFailureLimit: Int = 5
    /// Registered workers silent this long (another host, or a supervisor that died) have their tasks recovered.
    public var staleWorkerTimeout: Duration = .seconds(60)
    /// Owner-only Unix socket for `supervisor ctl`; `nil` for none.
    public var controlSocket: String? = nil
    /// Colour child output prefixes (on a terminal).
    public var colorOutput: Bool = false
    /// Extra environment for workers.
    public var workerEnvironment: [String: String] = [:]
    /// The working directory of workers; `nil` for the supervisor's.
    public var workingDirectory: String? = nil

    public init(database: String, workerExecutable: String, queues: [String] = ["default"]) {
        self.database = database
        self.workerExecutable = workerExecutable
        self.queues = queues
    }

    /// Target worker count for `queue`.
    public func workerCount(for queue: String) -> Int {
        workerCounts[queue] ?? defaultWorkerCount
    }
}
