import Foundation

/// Stored times are integer microseconds since 1970.
enum DatabaseTime {
    /// Saturates instead of trapping: enqueue refuses times outside 1970–2970, so only a time computed
    /// from a damaged row could get here, and it must not stop the process.
    static func micros(_ date: Date) -> Int64 {
        let micros = (date.timeIntervalSince1970 * 1_000_000).rounded()
        if let exact = Int64(exactly: micros) { return exact }
        return micros.isNaN || micros < 0 ? .min : .max
    }

    static func date(_ micros: Int64) -> Date {
        Date(timeIntervalSince1970: Double(micros) / 1_000_000)
    }

    static func date(_ micros: Int64?) -> Date? {
        micros.map(date)
    }
}
