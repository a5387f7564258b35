import Foundation

/// What asking to cancel one task did (``TaskStore/cancel(_:by:at:)``).
public struct TaskCancellation: Sendable, Equatable, Codable {
    public enum Effect: String, Sendable, Codable {
        /// It was PENDING (or delayed) and is now CANCELLED: it will never run.
        case cancelled
        /// It is RUNNING: its worker is told to cancel it, and it ends CANCELLED.
        case requested
        /// It is RUNNING and someone had already asked; nothing changed.
        case alreadyRequested
        /// It had finished (SUCCESSFUL, FAILED or CANCELLED); nothing changed.
        case alreadyFinished
        /// No task has that id (never enqueued, or pruned).
        case notFound
    }

    public var id: TaskResultID
    /// `nil` when no task has the id.
    public var taskName: String?
    /// The status the task had when asked; `nil` when no task has the id, or its status column holds garbage.
    public var previousStatus: TaskStatus?
    public var effect: Effect

    public init(id: TaskResultID, taskName: String?, previousStatus: TaskStatus?, effect: Effect) {
        self.id = id
        self.taskName = taskName
        self.previousStatus = previousStatus
        self.effect = effect
    }

    /// Whether the request changed the task (it is, or will end, CANCELLED because of it).
    public var changedTask: Bool { effect == .cancelled || effect == .requested }

    /// Who cancels when the caller does not say: this process, as `name pid N on host`.
    public static var defaultCanceller: String {
        let process = ProcessInfo.processInfo
        return "\(process.processName) pid \(process.processIdentifier) on \(process.hostName)"
    }
}
