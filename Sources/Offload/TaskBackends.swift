import Foundation
import Synchronization

/// The configured backends by alias, with the queues each accepts: the spec's `TASKS` setting.
///
/// ```swift
/// TaskBackends.bootstrap(TaskBackends([
///     "default": .init(try SQLiteTaskStore(path: "offload.sqlite3"), queues: ["default", "email"]),
/// ]))
/// ```
public struct TaskBackends: Sendable {
    /// One alias: a backend and the queues it accepts.
    public struct Entry: Sendable {
        public var backend: any TaskBackend
        /// Queue names tasks may target; `nil` accepts any name.
        public var queues: [String]?

        public init(_ backend: any TaskBackend, queues: [String]? = [TaskOptions.defaultQueueName]) {
            self.backend = backend
            self.queues = queues
        }
    }

    public var entries: [String: Entry]

    public init(_ entries: [String: Entry]) {
        self.entries = entries
    }

    /// The backend for `alias`, checking that it accepts `queue`.
    public func backend(alias: String, queue: String, task: String) throws(OffloadError) -> any TaskBackend {
        guard let entry = entries[alias] else {
            throw .unknownBackend(alias, known: Array(entries.keys))
        }
        if let queues = entry.queues, !queues.contains(queue) {
            throw .unknownQueue(queue, task: task, backend: alias, known: queues)
        }
        return entry.backend
    }

    public func backend(alias: String) throws(OffloadError) -> any TaskBackend {
        guard let entry = entries[alias] else {
            throw .unknownBackend(alias, known: Array(entries.keys))
        }
        return entry.backend
    }

    private static let configured = Mutex<TaskBackends?>(nil)

    /// Sets the backends used by `SomeTask.enqueue(…)`. Call once at start-up, like `LoggingSystem.bootstrap`.
    public static func bootstrap(_ backends: TaskBackends) {
        configured.withLock { $0 = backends }
    }

    /// The bootstrapped backends.
    /// - Throws: ``OffloadError/Code/invalidConfiguration`` when ``bootstrap(_:)`` was never called.
    public static func current() throws(OffloadError) -> TaskBackends {
        guard let backends = configured.withLock({ $0 }) else {
            throw OffloadError(.invalidConfiguration, "No task backends are configured: call TaskBackends.bootstrap(…) at start-up before enqueueing.")
        }
        return backends
    }
}
