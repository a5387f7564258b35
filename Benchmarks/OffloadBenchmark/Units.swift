import Foundation

/// How figures are written in the table: rates grouped by thousands, times with the digits that matter.
enum Units {
    static func rate(_ perSecond: Double) -> String {
        guard perSecond.isFinite else { return "n/a" }
        return grouped(Int(perSecond.rounded()))
    }

    static func grouped(_ value: Int) -> String {
        let digits = String(abs(value))
        var out = ""
        for (offset, character) in digits.enumerated() {
            if offset > 0, (digits.count - offset) % 3 == 0 { out.append(" ") }
            out.append(character)
        }
        return value < 0 ? "-" + out : out
    }

    static func milliseconds(_ value: Double) -> String {
        guard value.isFinite else { return "n/a" }
        switch value {
        case ..<1: return String(format: "%.3f ms", value)
        case ..<100: return String(format: "%.2f ms", value)
        default: return String(format: "%.0f ms", value)
        }
    }

    /// Megabytes of 10^6 bytes, the unit the memory targets are stated in.
    static func megabytes(_ bytes: Int) -> String {
        String(format: "%.1f MB", Double(bytes) / 1_000_000)
    }

    static func seconds(_ value: Double) -> String {
        String(format: "%.2f s", value)
    }
}
