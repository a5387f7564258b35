import Foundation

/// Makes a task unique: while a task with the same key holds it, enqueueing another returns that task instead.
///
/// The key is the task's name plus all of its arguments, some of them, or a key of your own. A task holds
/// its key while its status is one of `states` and, when `period` is set, until `period` after it was
/// enqueued. The database enforces it (a unique index), so concurrent enqueues from many processes store one.
///
/// ```swift
/// // At most one pending or running sync per customer:
/// static let options = TaskOptions(unique: UniqueTask(key: .arguments(["customerID"])))
/// // At most one report per ten minutes, whatever became of the last one:
/// static let options = TaskOptions(unique: UniqueTask(period: .seconds(600), states: Set(TaskStatus.allCases)))
/// ```
public struct UniqueTask: Sendable, Equatable {
    /// What makes two enqueues the same.
    public enum Key: Sendable, Equatable {
        /// The task name and every argument.
        case allArguments
        /// The task name and the named top-level arguments (a missing one counts as `null`).
        case arguments([String])
        /// This key, whatever the task and its arguments (tasks of different names may share it).
        case explicit(String)
    }

    public static let defaultStates: Set<TaskStatus> = [.pending, .running]

    public var key: Key
    /// How long after its enqueue a task holds its key; `nil` for as long as its status is in `states`.
    public var period: Duration?
    /// The statuses in which a task holds its key. The default: pending (delayed and retrying included) or running.
    public var states: Set<TaskStatus>

    public init(key: Key = .allArguments, period: Duration? = nil, states: Set<TaskStatus> = UniqueTask.defaultStates) {
        self.key = key
        self.period = period
        self.states = states
    }

    /// The constraint to store for one enqueue of `taskName` with these canonical-JSON `arguments`.
    public func constraint(taskName: String, arguments: String) throws(OffloadError) -> UniqueConstraint {
        let material: String
        switch key {
        case .allArguments:
            material = "task\u{0}\(taskName)\u{0}\(try Self.canonical(arguments, keeping: nil, task: taskName))"
        case .arguments(let names):
            material = "task\u{0}\(taskName)\u{0}\(try Self.canonical(arguments, keeping: names, task: taskName))"
        case .explicit(let text):
            material = "key\u{0}\(text)"
        }
        return UniqueConstraint(key: SHA256Digest.hex(of: material), period: period, states: states)
    }

    /// The arguments (or the chosen ones) as JSON with sorted keys, so equal arguments give equal keys
    /// however the caller ordered them.
    static func canonical(_ arguments: String, keeping names: [String]?, task: String) throws(OffloadError) -> String {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(arguments.utf8), options: [.fragmentsAllowed])) as? [String: Any] else {
            throw .invalidOption(task: task, "unique tasks need arguments that are one JSON object")
        }
        var kept = object
        if let names {
            kept = [:]
            for name in Set(names) { kept[name] = object[name] ?? NSNull() }
        }
        guard let data = try? JSONSerialization.data(withJSONObject: kept, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            throw .invalidOption(task: task, "its arguments cannot be turned into a unique key")
        }
        return String(decoding: data, as: UTF8.self)
    }
}

/// A unique task's constraint as a store writes it: the key (a SHA-256 digest, so an index entry stays small
/// whatever the arguments), the period and the statuses in which the task holds the key.
public struct UniqueConstraint: Sendable, Equatable {
    public var key: String
    public var period: Duration?
    public var states: Set<TaskStatus>

    public init(key: String, period: Duration? = nil, states: Set<TaskStatus> = UniqueTask.defaultStates) {
        self.key = key
        self.period = period
        self.states = states
    }

    /// The statuses as stored: `,PENDING,RUNNING,`, so a store checks one with a substring search.
    public var storedStates: String {
        "," + states.map(\.rawValue).sorted().joined(separator: ",") + ","
    }

    /// When the key stops being held whatever the status: `now + period`, clamped to the storable range.
    public func until(enqueuedAt now: Date) -> Date? {
        guard let period else { return nil }
        let end = now.addingTimeInterval(period.seconds)
        return min(max(end, StoredTaskValues.runAfterRange.lowerBound), StoredTaskValues.runAfterRange.upperBound)
    }

    func validate(taskName: String) throws(OffloadError) {
        guard !key.isEmpty, key.utf8.count <= 512 else {
            throw .invalidOption(task: taskName, "a unique key must have 1 to 512 bytes")
        }
        guard !states.isEmpty else {
            throw .invalidOption(task: taskName, "unique.states must name at least one status")
        }
        if let period, period <= .zero || period > StoredTaskValues.maximumDuration {
            throw .invalidOption(task: taskName, "unique.period must be positive and at most 100 years, not \(period)")
        }
    }
}

/// What an enqueue of a unique task did: stored a new task, or found one holding the same key.
public enum EnqueueOutcome: Sendable, Equatable {
    case enqueued(TaskRecord)
    case duplicate(of: TaskRecord)

    /// The new task, or the existing one.
    public var record: TaskRecord {
        switch self {
        case .enqueued(let record), .duplicate(of: let record): record
        }
    }

    public var isDuplicate: Bool {
        if case .duplicate = self { true } else { false }
    }
}

/// What ``BackgroundTask/enqueueUnique(_:runAfter:key:)`` did, with the typed result either way.
public enum UniqueEnqueue<Task: BackgroundTask>: Sendable {
    case enqueued(TaskResult<Task>)
    case duplicate(of: TaskResult<Task>)

    /// The new task's result, or the existing task's.
    public var result: TaskResult<Task> {
        switch self {
        case .enqueued(let result), .duplicate(of: let result): result
        }
    }

    public var isDuplicate: Bool {
        if case .duplicate = self { true } else { false }
    }
}
