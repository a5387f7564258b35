import Foundation

/// When a periodic task is enqueued: a cron expression in a time zone, or a plain interval.
///
/// ```swift
/// struct NightlyReport: BackgroundTask {
///     static let schedule: TaskSchedule? = try! .cron("30 2 * * *", timeZone: "Europe/Berlin")
///     …
/// }
/// static let schedule: TaskSchedule? = .every(.seconds(300), missed: .skip)
/// ```
///
/// Every supervisor runs the schedules; the database enqueues each slot exactly once (see docs/scheduling.md).
public struct TaskSchedule: Sendable, Equatable {
    public enum Rule: Sendable, Equatable {
        case cron(CronExpression, timeZone: TimeZone)
        /// Slots at whole multiples of the interval since 1970-01-01 UTC, so every host agrees on them.
        case every(seconds: Int64)
    }

    public var rule: Rule
    public var missed: MissedSlotPolicy
    /// The JSON arguments each run is enqueued with; `{}` suits a task whose `Arguments` has no fields.
    public var arguments: String = "{}"

    /// - Throws: ``CronExpressionError`` for a malformed expression, ``TaskScheduleError`` for an unknown zone.
    public static func cron(_ expression: String, timeZone: String? = nil, missed: MissedSlotPolicy = .runLatest) throws -> TaskSchedule {
        let zone: TimeZone
        if let timeZone {
            guard let named = TimeZone(identifier: timeZone) else { throw TaskScheduleError("unknown time zone '\(timeZone)' (use an IANA name such as Europe/Berlin)") }
            zone = named
        } else {
            zone = TimeZone(identifier: "UTC")!
        }
        return TaskSchedule(rule: .cron(try CronExpression(expression), timeZone: zone), missed: missed)
    }

    /// Every `interval`, in whole seconds (at least one second; fractions are dropped).
    public static func every(_ interval: Duration, missed: MissedSlotPolicy = .runLatest) -> TaskSchedule {
        TaskSchedule(rule: .every(seconds: max(1, interval.components.seconds)), missed: missed)
    }

    public init(rule: Rule, missed: MissedSlotPolicy = .runLatest) {
        self.rule = rule
        self.missed = missed
    }

    /// The same schedule, enqueueing its runs with `arguments`.
    ///
    /// - Throws: ``OffloadError`` (`unencodableArguments`) if they cannot be encoded as JSON.
    public func arguments<Arguments: Encodable>(_ arguments: Arguments) throws -> TaskSchedule {
        var copy = self
        copy.arguments = try TaskJSON.encode(arguments)
        return copy
    }

    /// The first slot strictly after `date`.
    public func slot(after date: Date) -> Date? {
        switch rule {
        case .cron(let expression, let zone):
            return expression.next(after: date, in: zone)
        case .every(let seconds):
            let now = date.timeIntervalSince1970
            guard now.isFinite, abs(now) < 1e13 else { return nil }
            let index = floorDiv(Int64(now.rounded(.down)), seconds) + 1
            return Date(timeIntervalSince1970: Double(index * seconds))
        }
    }

    /// The slots in `(from, through]`, oldest first, at most `limit` of them (the newest when there are more).
    public func slots(after from: Date, through: Date, limit: Int) -> [Date] {
        guard limit > 0, from < through else { return [] }
        if case .every(let seconds) = rule {
            guard abs(from.timeIntervalSince1970) < 1e13, abs(through.timeIntervalSince1970) < 1e13 else { return [] }
            let last = floorDiv(Int64(through.timeIntervalSince1970.rounded(.down)), seconds)
            let first = floorDiv(Int64(from.timeIntervalSince1970.rounded(.down)), seconds) + 1
            guard first <= last else { return [] }
            let start = max(first, last - Int64(limit) + 1)
            return (start...last).map { Date(timeIntervalSince1970: Double($0 * seconds)) }
        }
        // A cron walk from the most recent window that holds enough slots: a schedule that fires every
        // minute is not walked back over a year of missed slots to find the latest one.
        let lookBacks: [TimeInterval?] = [3600, 8 * 86_400, 400 * 86_400, nil]
        for lookBack in lookBacks {
            let start = lookBack.map { max(from, through.addingTimeInterval(-$0)) } ?? from
            var found: [Date] = []
            var cursor = start
            for _ in 0..<1_000_000 {
                guard let next = slot(after: cursor), next <= through else { break }
                found.append(next)
                if found.count > limit { found.removeFirst() }
                cursor = next
            }
            if found.count >= limit || start == from { return found }
        }
        return []
    }

    /// How the schedule reads in listings: the cron text and zone, or `every 300s`.
    public var summary: String {
        switch rule {
        case .cron(let expression, let zone): "\(expression.description) (\(zone.identifier))"
        case .every(let seconds): "every \(seconds)s"
        }
    }
}

/// What to do with slots that passed while no supervisor ran (or while the database was unreachable).
public enum MissedSlotPolicy: String, Sendable, Equatable, Codable, CaseIterable {
    /// Enqueue the latest missed slot once (the default); the older ones are dropped. Never a burst.
    case runLatest = "run-latest"
    /// Drop missed slots; the next one on time runs.
    case skip
}

public struct TaskScheduleError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
