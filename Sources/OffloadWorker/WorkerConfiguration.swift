import Foundation
import Offload

/// How one worker process claims and runs tasks.
public struct WorkerConfiguration: Sendable {
    /// Identifies the worker in results (`workerIDs`) and in the registry of workers; unique per process.
    public var workerID: String
    /// The queues to serve (`--queue-name`).
    public var queues: QueueSelection
    /// Tasks run at once in this process.
    public var concurrency: Int = 1
    /// Stop (exit 0) after this many attempts; `nil` for no limit. The supervisor uses it to recycle workers.
    public var maxTasks: Int? = nil
    /// Drain the ready tasks, then exit instead of waiting for more (`--batch`).
    public var exitWhenIdle: Bool = false
    /// How long running tasks may take to finish once a stop is asked for.
    public var gracefulTimeout: Duration = .seconds(30)
    /// How often the worker says it is alive to its supervisor.
    public var heartbeatInterval: Duration = .seconds(1)
    /// How often the worker records its heartbeat in the registry of workers (status commands, other hosts).
    public var registryHeartbeatInterval: Duration = .seconds(5)
    /// Longest idle sleep when nothing wakes the worker: a safety net, not the wake-up mechanism.
    public var idlePollInterval: Duration = .seconds(5)
    /// Claimed-but-not-started tasks are limited to about this much expected work, so fast tasks are
    /// claimed in batches while slow ones are left for other workers; `.zero` claims only for free slots.
    public var prefetchBudget: Duration = Self.defaultPrefetchBudget
    /// Ten milliseconds: dozens of no-op tasks per claim, never a second slow one.
    public static let defaultPrefetchBudget = Duration.milliseconds(10)
    /// Hard cap on claimed-but-not-started tasks.
    public var maximumPrefetch: Int = 64
    /// Idle time after start-up before the worker hands its start-up code pages back to the kernel, once
    /// (``StartUpMemoryTrim``); `nil`: never.
    public var startUpMemoryTrimDelay: Duration? = StartUpMemoryTrim.defaultDelay
    /// The supervisor that started the worker, if any (recorded in the registry of workers).
    public var supervisorID: String? = nil

    public init(workerID: String = WorkerConfiguration.defaultWorkerID(), queues: QueueSelection = .named([TaskOptions.defaultQueueName])) {
        self.workerID = workerID
        self.queues = queues
    }

    /// `host:pid`, unique among live processes.
    public static func defaultWorkerID() -> String {
        "\(hostName()):\(getpid())"
    }

    public static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
