import Foundation

/// A task's schedule as it travels in `worker --describe-tasks` (format version 2): exactly one of
/// ``cron`` and ``everySeconds``.
public struct ScheduleDeclaration: Sendable, Equatable, Codable {
    public var cron: String?
    public var everySeconds: Int64?
    /// An IANA zone name for ``cron``; `nil` is UTC.
    public var timeZone: String?
    public var missed: MissedSlotPolicy
    /// The JSON arguments each run is enqueued with.
    public var arguments: String

    public init(_ schedule: TaskSchedule) {
        switch schedule.rule {
        case .cron(let expression, let zone):
            cron = expression.description
            timeZone = zone.identifier
        case .every(let seconds):
            everySeconds = seconds
        }
        missed = schedule.missed
        arguments = schedule.arguments
    }

    /// The schedule back; a declaration from another program may be anything, so this validates it.
    public func schedule() throws -> TaskSchedule {
        var schedule: TaskSchedule
        switch (cron, everySeconds) {
        case (let cron?, nil): schedule = try .cron(cron, timeZone: timeZone, missed: missed)
        case (nil, let seconds?) where seconds >= 1: schedule = .every(.seconds(seconds), missed: missed)
        default: throw TaskScheduleError("a schedule needs either a cron expression or an interval of at least one second")
        }
        schedule.arguments = arguments
        return schedule
    }
}
