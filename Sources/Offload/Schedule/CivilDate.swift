import Foundation

/// A proleptic Gregorian calendar day, computed with integer arithmetic (H. Hinnant's days-from-civil),
/// so stepping through days to find the next cron match costs no `Calendar` calls.
struct CivilDate: Sendable, Equatable {
    let year: Int64
    let month: Int
    let day: Int
    let daysSinceEpoch: Int64

    init(daysSinceEpoch days: Int64) {
        let z = days + 719_468
        let era = floorDiv(z, 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        day = Int(dayOfYear - (153 * mp + 2) / 5 + 1)
        month = Int(mp < 10 ? mp + 3 : mp - 9)
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        daysSinceEpoch = days
    }

    /// 0 = Sunday (1970-01-01 was a Thursday).
    var weekday: Int { Int(floorMod(daysSinceEpoch + 4, 7)) }

    var next: CivilDate { CivilDate(daysSinceEpoch: daysSinceEpoch + 1) }

    static func isLeap(_ year: Int64) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    static func daysIn(month: Int, year: Int64) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

/// Local wall-clock seconds (as if the zone were UTC) to an instant, with cron's daylight-saving rules.
enum LocalTime {
    /// The earliest instant whose local time is `wall`; for a local time inside a spring-forward gap,
    /// the first instant after the gap (the moment of the change).
    static func instant(ofWall wall: Int64, in zone: TimeZone) -> Int64 {
        let offsets = Set([-14 * 3600, 0, 14 * 3600].map { shift in
            Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(wall + Int64(shift)))))
        })
        let valid = offsets.map { wall - $0 }.filter { Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double($0)))) == wall - $0 }
        if let earliest = valid.min() { return earliest }
        // In a gap: wall - (larger offset) lies before the change, wall - (smaller offset) after it.
        // Find the change by bisection on whole seconds.
        var before = wall - (offsets.max() ?? 0)
        var after = wall - (offsets.min() ?? 0)
        let offsetBefore = zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(before)))
        while after - before > 1 {
            let middle = before + (after - before) / 2
            if zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(middle))) == offsetBefore { before = middle } else { after = middle }
        }
        return after
    }
}
