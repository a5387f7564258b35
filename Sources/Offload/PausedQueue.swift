import Foundation

/// A queue whose tasks no worker claims until it is resumed (`offload pause` / `offload resume`).
public struct PausedQueue: Sendable, Equatable, Codable {
    public var queueName: String
    public var pausedAt: Date
    /// Who paused it: the user and host `offload pause` ran as, or what the caller said.
    public var pausedBy: String

    public init(queueName: String, pausedAt: Date, pausedBy: String) {
        self.queueName = queueName
        self.pausedAt = pausedAt
        self.pausedBy = pausedBy
    }
}

extension TaskStore {
    /// Stores that predate queue control (test doubles) pause nothing: they say so rather than pretend.
    public func pauseQueue(_ queue: String, by pausedBy: String, at now: Date) async throws -> Bool {
        throw OffloadError(.invalidConfiguration, "This store (\(Self.self)) cannot pause queues.")
    }

    public func resumeQueue(_ queue: String) async throws -> Bool {
        throw OffloadError(.invalidConfiguration, "This store (\(Self.self)) cannot pause queues.")
    }

    public func pausedQueues() async throws -> [PausedQueue] { [] }
}
