import Foundation
import Offload

/// A request to a running supervisor over its control socket: one JSON line in, one JSON line out.
public enum ControlRequest: Codable, Sendable, Equatable {
    /// Workers and queues, as the supervisor sees them now.
    case status
    /// New worker counts for some queues; the others keep theirs.
    case scale([String: Int])
}

/// The supervisor's answer.
public struct ControlResponse: Codable, Sendable, Equatable {
    public var ok: Bool
    public var message: String
    public var status: SupervisorStatus?

    public init(ok: Bool, message: String, status: SupervisorStatus? = nil) {
        self.ok = ok
        self.message = message
        self.status = status
    }
}

/// A snapshot of a running supervisor.
public struct SupervisorStatus: Codable, Sendable, Equatable {
    public struct Queue: Codable, Sendable, Equatable {
        public var name: String
        public var target: Int
        public var running: Int
        public var halted: String?
    }

    public struct Worker: Codable, Sendable, Equatable {
        public var id: String
        public var queue: String
        public var pid: Int32
        public var state: String
        public var currentTasks: [Int64]
        public var secondsSinceHeartbeat: Double
        public var tasksDone: Int
        public var generation: Int
    }

    public var pid: Int32
    public var phase: String
    public var queues: [Queue]
    public var workers: [Worker]
    /// Queues with tasks waiting and no live worker on any host; `nil` from a supervisor too old to look.
    public var unservedQueues: [UnservedQueue]? = nil
    /// Queues paused with `offload pause`, as of the last look (every 10 s); `nil` from an older supervisor.
    public var pausedQueues: [String]? = nil
}
