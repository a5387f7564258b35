import Foundation
import Offload
import Testing

@Suite("Cron expressions")
struct CronExpressionTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let expression: String
        let zone: String
        let after: String
        let expected: String
        var testDescription: String { "\(expression) [\(zone)] after \(after)" }
    }

    static let cases: [Case] = [
        // Steps, ranges, names, shorthands.
        Case(expression: "*/15 * * * *", zone: "UTC", after: "2026-11-27T10:07:00Z", expected: "2026-11-27T10:15:00Z"),
        Case(expression: "*/15 * * * *", zone: "UTC", after: "2026-11-27T10:15:00Z", expected: "2026-11-27T10:30:00Z"),
        Case(expression: "10-50/20 3 * * *", zone: "UTC", after: "2026-11-27T03:31:00Z", expected: "2026-11-27T03:50:00Z"),
        Case(expression: "0 9 * * mon-fri", zone: "UTC", after: "2026-11-27T10:00:00Z", expected: "2026-11-30T09:00:00Z"),
        Case(expression: "0 0 * * 7", zone: "UTC", after: "2026-11-27T10:00:00Z", expected: "2026-11-29T00:00:00Z"),
        Case(expression: "0 0 1 jan,jul *", zone: "UTC", after: "2026-11-27T10:00:00Z", expected: "2027-01-01T00:00:00Z"),
        Case(expression: "@hourly", zone: "UTC", after: "2026-11-27T10:30:00Z", expected: "2026-11-27T11:00:00Z"),
        Case(expression: "@daily", zone: "UTC", after: "2026-11-27T10:30:00Z", expected: "2026-11-28T00:00:00Z"),
        Case(expression: "@weekly", zone: "UTC", after: "2026-11-27T10:30:00Z", expected: "2026-11-29T00:00:00Z"),
        Case(expression: "@monthly", zone: "UTC", after: "2026-11-27T10:30:00Z", expected: "2026-12-01T00:00:00Z"),
        Case(expression: "@yearly", zone: "UTC", after: "2026-11-27T10:30:00Z", expected: "2027-01-01T00:00:00Z"),
        // Day of month OR day of week when both are restricted (cron's rule): the Monday, then the 1st.
        Case(expression: "0 0 1 * mon", zone: "UTC", after: "2026-11-27T10:00:00Z", expected: "2026-11-30T00:00:00Z"),
        Case(expression: "0 0 1 * mon", zone: "UTC", after: "2026-11-30T00:00:00Z", expected: "2026-12-01T00:00:00Z"),
        // February 29: only in leap years.
        Case(expression: "0 0 29 2 *", zone: "UTC", after: "2027-01-01T00:00:00Z", expected: "2028-02-29T00:00:00Z"),
        Case(expression: "0 0 29 2 *", zone: "UTC", after: "2028-02-29T00:00:00Z", expected: "2032-02-29T00:00:00Z"),
        Case(expression: "0 0 29 2 *", zone: "UTC", after: "2099-03-01T00:00:00Z", expected: "2104-02-29T00:00:00Z"),
        // Month ends: the 31st skips 30-day months.
        Case(expression: "0 12 31 * *", zone: "UTC", after: "2026-04-01T00:00:00Z", expected: "2026-05-31T12:00:00Z"),
        Case(expression: "0 12 31 * *", zone: "UTC", after: "2026-05-31T12:00:00Z", expected: "2026-07-31T12:00:00Z"),
        // A named zone: 09:00 in Berlin is 08:00 UTC in winter.
        Case(expression: "0 9 * * *", zone: "Europe/Berlin", after: "2026-11-27T10:00:00Z", expected: "2026-11-28T08:00:00Z"),
        // Berlin, spring forward on 2027-03-28 (02:00 CET becomes 03:00 CEST): 02:30 does not exist that day,
        // so it runs once at 03:00 CEST (01:00 UTC), then at 02:30 CEST the day after.
        Case(expression: "30 2 * * *", zone: "Europe/Berlin", after: "2027-03-27T12:00:00Z", expected: "2027-03-28T01:00:00Z"),
        Case(expression: "30 2 * * *", zone: "Europe/Berlin", after: "2027-03-28T01:00:00Z", expected: "2027-03-29T00:30:00Z"),
        // Berlin, fall back on 2026-10-25 (03:00 CEST becomes 02:00 CET): 02:30 happens twice; it runs at the first.
        Case(expression: "30 2 * * *", zone: "Europe/Berlin", after: "2026-10-24T12:00:00Z", expected: "2026-10-25T00:30:00Z"),
        Case(expression: "30 2 * * *", zone: "Europe/Berlin", after: "2026-10-25T00:30:00Z", expected: "2026-10-26T01:30:00Z"),
        // New York, fall back on 2026-11-01 (02:00 EDT becomes 01:00 EST): the repeated 01:00 and 01:30 run once.
        Case(expression: "*/30 * * * *", zone: "America/New_York", after: "2026-11-01T05:00:00Z", expected: "2026-11-01T05:30:00Z"),
        Case(expression: "*/30 * * * *", zone: "America/New_York", after: "2026-11-01T05:30:00Z", expected: "2026-11-01T07:00:00Z"),
        // New York, spring forward on 2027-03-14 (02:00 EST becomes 03:00 EDT): 02:00 and 02:30 fold into one run at 03:00.
        Case(expression: "*/30 * * * *", zone: "America/New_York", after: "2027-03-14T06:30:00Z", expected: "2027-03-14T07:00:00Z"),
        Case(expression: "*/30 * * * *", zone: "America/New_York", after: "2027-03-14T07:00:00Z", expected: "2027-03-14T07:30:00Z"),
    ]

    @Test("the next run of each expression in the table", arguments: cases)
    func nextRun(_ example: Case) throws {
        let schedule = try TaskSchedule.cron(example.expression, timeZone: example.zone)
        let next = schedule.slot(after: try Date(example.after, strategy: .iso8601))
        #expect(next == (try Date(example.expected, strategy: .iso8601)))
    }

    @Test("a day of the spring-forward change in Berlin runs every hourly slot once, none twice, none skipped")
    func springForwardDayRunsEachSlotOnce() throws {
        let schedule = try TaskSchedule.cron("30 * * * *", timeZone: "Europe/Berlin")
        let slots = schedule.slots(after: try Date("2027-03-27T23:00:00Z", strategy: .iso8601), through: try Date("2027-03-28T22:00:00Z", strategy: .iso8601), limit: 100)
        // Local midnight to midnight: 00:30, 01:30, the missing 02:30 folded into 03:00, then 03:30 … 23:30.
        #expect(slots.count == 24)
        #expect(slots.contains(try Date("2027-03-28T01:00:00Z", strategy: .iso8601)))
        #expect(Set(slots).count == slots.count)
    }

    @Test("malformed expressions are refused naming the field and the token", arguments: [
        ("60 * * * *", "minute", "60"),
        ("* 24 * * *", "hour", "24"),
        ("* * 0 * *", "day-of-month", "0"),
        ("* * * foo *", "month", "foo"),
        ("* * * * funday", "day-of-week", "funday"),
        ("*/0 * * * *", "minute", "*/0"),
        ("5-1 * * * *", "minute", "5-1"),
        ("1-2-3 * * * *", "minute", "1-2-3"),
        ("99999999999999999999999 * * * *", "minute", "99999999999999999999999"),
        ("1,,2 * * * *", "minute", "1,,2"),
        ("0 0 30 feb *", "day-of-month", "30"),
        ("0 0 31 4,6,9,11 *", "day-of-month", "31"),
    ])
    func malformedIsRefused(_ expression: String, _ field: String, _ token: String) {
        #expect {
            _ = try CronExpression(expression)
        } throws: { error in
            guard let error = error as? CronExpressionError else { return false }
            return error.field?.name == field && error.token == token && error.description.contains(field)
        }
    }

    @Test("a wrong number of fields or an unknown shorthand is refused, not read as something else", arguments: ["* * * *", "* * * * * *", "@every5m", ""])
    func wrongShapeIsRefused(_ expression: String) {
        #expect(throws: CronExpressionError.self) { _ = try CronExpression(expression) }
    }

    @Test("an unknown time zone is refused")
    func unknownZoneIsRefused() {
        #expect(throws: TaskScheduleError.self) { _ = try TaskSchedule.cron("@daily", timeZone: "Mars/Olympus") }
    }

    @Test("an interval's slots are whole multiples since 1970, the same on every host")
    func intervalSlots() throws {
        let schedule = TaskSchedule.every(.seconds(300))
        #expect(schedule.slot(after: try Date("2026-11-27T10:07:30Z", strategy: .iso8601)) == (try Date("2026-11-27T10:10:00Z", strategy: .iso8601)))
        let missed = schedule.slots(after: try Date("2026-11-27T00:00:00Z", strategy: .iso8601), through: try Date("2026-11-27T10:07:30Z", strategy: .iso8601), limit: 1)
        #expect(missed == [try Date("2026-11-27T10:05:00Z", strategy: .iso8601)])
        #expect(TaskSchedule.every(.milliseconds(10)).rule == .every(seconds: 1))
    }

    @Test("the latest of many missed cron slots is found without walking them all")
    func latestMissedCronSlot() throws {
        let schedule = try TaskSchedule.cron("* * * * *")
        let latest = schedule.slots(after: try Date("2020-01-01T00:00:00Z", strategy: .iso8601), through: try Date("2026-11-27T10:07:30Z", strategy: .iso8601), limit: 1)
        #expect(latest == [try Date("2026-11-27T10:07:00Z", strategy: .iso8601)])
    }
}
