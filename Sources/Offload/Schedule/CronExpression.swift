import Foundation

/// A five-field cron expression (`minute hour day-of-month month day-of-week`), as crontab(5) reads it.
///
/// Fields take `*`, numbers, ranges (`1-5`), steps (`*/15`, `10-50/20`), lists (`1,15,30`) and names
/// (`jan`…`dec`, `sun`…`sat`; day of week 0 and 7 are both Sunday). `@hourly`, `@daily` (`@midnight`),
/// `@weekly`, `@monthly` and `@yearly` (`@annually`) stand for their usual expansions.
///
/// As in cron, when both day of month and day of week are restricted (neither starts with `*`), a day
/// matches if **either** matches: `0 0 1 * mon` runs on the 1st and on every Monday.
///
/// Parsing never traps: malformed input throws ``CronExpressionError`` naming the field and the token.
/// An expression that can never match (`0 0 30 feb *`) is refused too, rather than silently never running.
public struct CronExpression: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The text it was parsed from, trimmed.
    public let description: String
    let minutes: UInt64      // bits 0…59
    let hours: UInt64        // bits 0…23
    let daysOfMonth: UInt64  // bits 1…31
    let months: UInt64       // bits 1…12
    let daysOfWeek: UInt64   // bits 0…6, Sunday = 0
    let dayOfMonthRestricted: Bool
    let dayOfWeekRestricted: Bool

    public init(_ text: String) throws(CronExpressionError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        description = trimmed
        let expanded: String
        switch trimmed.lowercased() {
        case "@yearly", "@annually": expanded = "0 0 1 1 *"
        case "@monthly": expanded = "0 0 1 * *"
        case "@weekly": expanded = "0 0 * * 0"
        case "@daily", "@midnight": expanded = "0 0 * * *"
        case "@hourly": expanded = "0 * * * *"
        default:
            if trimmed.hasPrefix("@") {
                throw CronExpressionError(field: nil, token: trimmed, problem: "unknown shorthand; use @hourly, @daily, @weekly, @monthly or @yearly")
            }
            expanded = trimmed
        }
        let fields = expanded.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count == 5 else {
            throw CronExpressionError(field: nil, token: trimmed, problem: "expected five fields (minute hour day-of-month month day-of-week), found \(fields.count)")
        }
        minutes = try CronField.minute.parse(fields[0])
        hours = try CronField.hour.parse(fields[1])
        daysOfMonth = try CronField.dayOfMonth.parse(fields[2])
        months = try CronField.month.parse(fields[3])
        var weekdays = try CronField.dayOfWeek.parse(fields[4])
        if weekdays & (1 << 7) != 0 { weekdays = (weekdays & ~(1 << 7)) | 1 }  // 7 is Sunday too
        daysOfWeek = weekdays
        dayOfMonthRestricted = !fields[2].hasPrefix("*")
        dayOfWeekRestricted = !fields[4].hasPrefix("*")
        if !dayOfWeekRestricted || !dayOfMonthRestricted {
            try checkSomeDayExists(dayOfMonthField: fields[2])
        }
    }

    /// A day of month none of the chosen months has (the 30th of February) would never run.
    private func checkSomeDayExists(dayOfMonthField: String) throws(CronExpressionError) {
        for month in 1...12 where months & (1 << UInt64(month)) != 0 {
            let longest = month == 2 ? 29 : CivilDate.daysIn(month: month, year: 2001)
            for day in 1...longest where daysOfMonth & (1 << UInt64(day)) != 0 { return }
        }
        throw CronExpressionError(field: .dayOfMonth, token: dayOfMonthField, problem: "no chosen month has such a day, so the schedule would never run")
    }

    func matches(_ date: CivilDate) -> Bool {
        guard months & (1 << UInt64(date.month)) != 0 else { return false }
        let byDayOfMonth = daysOfMonth & (1 << UInt64(date.day)) != 0
        let byDayOfWeek = daysOfWeek & (1 << UInt64(date.weekday)) != 0
        if dayOfMonthRestricted && dayOfWeekRestricted { return byDayOfMonth || byDayOfWeek }
        return byDayOfMonth && byDayOfWeek
    }

    /// The first instant strictly after `date` at which the expression fires in `timeZone`.
    ///
    /// Daylight saving: a local time that does not exist that day (skipped by a spring-forward change)
    /// fires once, at the first instant after the gap; a local time that occurs twice (fall back)
    /// fires once, at its first occurrence. `nil` only when nothing matches within 400 years.
    public func next(after date: Date, in timeZone: TimeZone) -> Date? {
        let after = date.timeIntervalSince1970
        guard after.isFinite, abs(after) < 1e13 else { return nil }
        // Wall clock of `after`, less a margin wider than any offset change, so no candidate is skipped.
        let offset = timeZone.secondsFromGMT(for: date)
        let startWall = Int64(after.rounded(.down)) + Int64(offset) - 4 * 3600
        var day = CivilDate(daysSinceEpoch: floorDiv(startWall, 86_400))
        let firstMinuteOfStartDay = Int(floorMod(startWall, 86_400) / 60)
        var minuteFloor = firstMinuteOfStartDay
        for _ in 0..<(400 * 366) {
            if matches(day) {
                for hour in 0..<24 where hours & (1 << UInt64(hour)) != 0 && (hour + 1) * 60 > minuteFloor {
                    for minute in 0..<60 where minutes & (1 << UInt64(minute)) != 0 && hour * 60 + minute >= minuteFloor {
                        let wall = day.daysSinceEpoch * 86_400 + Int64(hour * 3600 + minute * 60)
                        let instant = LocalTime.instant(ofWall: wall, in: timeZone)
                        if Double(instant) > after { return Date(timeIntervalSince1970: Double(instant)) }
                    }
                }
            }
            day = day.next
            minuteFloor = 0
        }
        return nil
    }
}

/// Why a cron expression was refused.
public struct CronExpressionError: Error, Sendable, Equatable, CustomStringConvertible {
    public let field: CronField?
    public let token: String
    public let problem: String

    public var description: String {
        if let field { return "cron \(field.name) field: '\(token)': \(problem)" }
        return "cron expression '\(token)': \(problem)"
    }
}

public enum CronField: Sendable, Equatable {
    case minute, hour, dayOfMonth, month, dayOfWeek

    public var name: String {
        switch self {
        case .minute: "minute"
        case .hour: "hour"
        case .dayOfMonth: "day-of-month"
        case .month: "month"
        case .dayOfWeek: "day-of-week"
        }
    }

    var range: ClosedRange<Int> {
        switch self {
        case .minute: 0...59
        case .hour: 0...23
        case .dayOfMonth: 1...31
        case .month: 1...12
        case .dayOfWeek: 0...7
        }
    }

    var names: [String] {
        switch self {
        case .month: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        case .dayOfWeek: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
        default: []
        }
    }

    /// The set of values as bits. Each comma-separated item is `*`, `N`, `N-M`, each optionally `/STEP`.
    func parse(_ text: String) throws(CronExpressionError) -> UInt64 {
        var bits: UInt64 = 0
        for item in text.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
            guard !item.isEmpty else { throw CronExpressionError(field: self, token: text, problem: "empty list item") }
            let parts = item.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard parts.count <= 2 else { throw CronExpressionError(field: self, token: item, problem: "more than one '/'") }
            var step = 1
            if parts.count == 2 {
                guard let value = Int(parts[1]), value >= 1, value <= range.upperBound + 1 else {
                    throw CronExpressionError(field: self, token: item, problem: "step must be a whole number from 1 to \(range.upperBound + 1)")
                }
                step = value
            }
            let lower: Int, upper: Int
            if parts[0] == "*" {
                lower = range.lowerBound
                upper = self == .dayOfWeek ? 6 : range.upperBound
            } else {
                let bounds = parts[0].split(separator: "-", omittingEmptySubsequences: false).map(String.init)
                guard bounds.count <= 2 else { throw CronExpressionError(field: self, token: item, problem: "more than one '-'") }
                lower = try value(bounds[0], in: item)
                upper = bounds.count == 2 ? try value(bounds[1], in: item) : (parts.count == 2 ? range.upperBound : lower)
                guard lower <= upper else {
                    throw CronExpressionError(field: self, token: item, problem: "range runs backwards (\(lower) > \(upper))")
                }
            }
            for value in stride(from: lower, through: upper, by: step) { bits |= 1 << UInt64(value) }
        }
        return bits
    }

    private func value(_ token: String, in item: String) throws(CronExpressionError) -> Int {
        if let number = Int(token), token.allSatisfy(\.isASCII) {
            guard range.contains(number) else {
                throw CronExpressionError(field: self, token: item, problem: "\(number) is outside \(range.lowerBound)-\(range.upperBound)")
            }
            return number
        }
        if let index = names.firstIndex(of: token.lowercased()) {
            return self == .month ? index + 1 : index
        }
        let allowed = names.isEmpty ? "a number" : "a number or a name (\(names.joined(separator: ", ")))"
        throw CronExpressionError(field: self, token: item, problem: "'\(token)' is not \(allowed)")
    }
}

func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}

func floorMod(_ a: Int64, _ b: Int64) -> Int64 { a - floorDiv(a, b) * b }
