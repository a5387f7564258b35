import Foundation

/// One firing of a schedule: the unit that is enqueued exactly once.
public struct ScheduleSlot: Sendable, Equatable, Hashable {
    public var scheduleName: String
    /// The instant the schedule fires (whole seconds), the same on every host.
    public var time: Date
    /// The slot after this one, stored as the schedule's next run.
    public var nextTime: Date?

    public init(scheduleName: String, time: Date, nextTime: Date? = nil) {
        self.scheduleName = scheduleName
        self.time = time
        self.nextTime = nextTime
    }
}

/// What `offload schedules` shows of a schedule before it first ran.
public struct ScheduleRegistration: Sendable, Equatable {
    public var name: String
    public var taskName: String
    /// `30 2 * * * (Europe/Berlin)`, `every 300s`.
    public var summary: String
    public var nextTime: Date?

    public init(name: String, taskName: String, summary: String, nextTime: Date?) {
        self.name = name
        self.taskName = taskName
        self.summary = summary
        self.nextTime = nextTime
    }
}

/// A schedule as the database knows it.
public struct ScheduleState: Sendable, Equatable, Codable {
    public var name: String
    public var taskName: String
    public var summary: String
    public var nextTime: Date?
    public var lastSlot: Date?
    public var lastTaskID: TaskResultID?
    /// The last task's status now; `nil` when it was pruned or never enqueued.
    public var lastStatus: TaskStatus?

    public init(name: String, taskName: String, summary: String, nextTime: Date?, lastSlot: Date?, lastTaskID: TaskResultID?, lastStatus: TaskStatus?) {
        self.name = name
        self.taskName = taskName
        self.summary = summary
        self.nextTime = nextTime
        self.lastSlot = lastSlot
        self.lastTaskID = lastTaskID
        self.lastStatus = lastStatus
    }
}

/// How long slot rows are kept: far longer than any supervisor may still try to claim a slot
/// (the on-time window, or the latest slot after the last claimed one), so deleting older rows never
/// lets a slot run twice.
public let scheduleSlotRetention: TimeInterval = 2 * 86_400
