import Foundation

/// An error from Offload itself, with the context a user needs to act on it.
///
/// Compare with the static members: `catch let error as OffloadError where error.code == .unknownQueue`.
public struct OffloadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure; new codes may be added, so switch with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Value: String { 
            case unknownBackend, unknownQueue, invalidOption, unencodableArguments, argumentsTooLarge
            case resultNotFound, resultNotReady, returnValueUndecodable, synchronousEnqueueUnsupported
            case databaseUnavailable, databaseCorrupt, databaseReadOnly, databaseBusy, invalidStoredRow
            case invalidConfiguration, notRetryable, resultOfAnotherTask
            case taskCancelled, cancellationUnsupported
        }
        fileprivate let value: Value
        public var description: String { value.rawValue }

        public static let unknownBackend = Code(value: .unknownBackend)
        public static let unknownQueue = Code(value: .unknownQueue)
        public static let invalidOption = Code(value: .invalidOption)
        public static let unencodableArguments = Code(value: .unencodableArguments)
        public static let argumentsTooLarge = Code(value: .argumentsTooLarge)
        public static let resultNotFound = Code(value: .resultNotFound)
        public static let resultNotReady = Code(value: .resultNotReady)
        public static let returnValueUndecodable = Code(value: .returnValueUndecodable)
        public static let synchronousEnqueueUnsupported = Code(value: .synchronousEnqueueUnsupported)
        public static let databaseUnavailable = Code(value: .databaseUnavailable)
        public static let databaseCorrupt = Code(value: .databaseCorrupt)
        public static let databaseReadOnly = Code(value: .databaseReadOnly)
        public static let databaseBusy = Code(value: .databaseBusy)
        public static let invalidStoredRow = Code(value: .invalidStoredRow)
        public static let invalidConfiguration = Code(value: .invalidConfiguration)
        public static let notRetryable = Code(value: .notRetryable)
        public static let resultOfAnotherTask = Code(value: .resultOfAnotherTask)
        /// The task was cancelled: it has no return value, and never will.
        public static let taskCancelled = Code(value: .taskCancelled)
        /// The backend keeps no tasks to cancel (the immediate and in-memory backends).
        public static let cancellationUnsupported = Code(value: .cancellationUnsupported)
    }

    public let code: Code
    /// A sentence saying what went wrong and, where there is one, what to do about it.
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code && lhs.message == rhs.message }
}

extension OffloadError {
    static func unknownBackend(_ alias: String, known: [String]) -> Self {
        OffloadError(.unknownBackend, "No task backend is configured under the alias \"\(alias)\"; configured: \(known.sorted().joined(separator: ", ")). Add it to TaskBackends or change the task's `backend` option.")
    }
    static func unknownQueue(_ queue: String, task: String, backend: String, known: [String]) -> Self {
        OffloadError(.unknownQueue, "Task \(task) targets queue \"\(queue)\", which backend \"\(backend)\" does not list (it lists: \(known.joined(separator: ", "))). Add the queue to the backend's queues or change the task's queueName.")
    }
    static func invalidOption(task: String, _ detail: String) -> Self {
        OffloadError(.invalidOption, "Invalid option for task \(TerminalSafe.escape(task)): \(detail).")
    }
    public static func unencodableArguments(task: String, _ underlying: any Error) -> Self {
        OffloadError(.unencodableArguments, "The arguments of task \(task) cannot be stored as JSON: \(underlying). Pass plain values (strings, numbers, arrays, dictionaries with string keys) and ids instead of objects; floats must be finite.")
    }
    public static func argumentsTooLarge(task: String, size: Int, limit: Int) -> Self {
        OffloadError(.argumentsTooLarge, "The arguments of task \(task) take \(size) bytes of JSON, over the limit of \(limit). Store large data elsewhere and pass its id, or raise the backend's maximumArgumentsSize.")
    }
    public static func resultNotFound(_ id: TaskResultID) -> Self {
        OffloadError(.resultNotFound, "No task result with id \(id): it was never enqueued on this backend or has been pruned.")
    }
}
