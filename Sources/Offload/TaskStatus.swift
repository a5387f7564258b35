/// Where a task is in its life, as the spec names the states.
public enum TaskStatus: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// Queued, waiting for a worker (also between retries).
    case pending = "PENDING"
    /// A worker is running it.
    case running = "RUNNING"
    /// It returned a value.
    case successful = "SUCCESSFUL"
    /// Its last attempt failed and no attempt is left.
    case failed = "FAILED"
    /// Cancelled (``TaskResult/cancel(by:)``, `offload cancel`) before it ran, or while it ran; it will not run again.
    case cancelled = "CANCELLED"

    public var description: String { rawValue }

    /// SUCCESSFUL, FAILED and CANCELLED are final: nothing will change them but a manual retry (of FAILED) or pruning.
    public var isFinished: Bool { self == .successful || self == .failed || self == .cancelled }
}
