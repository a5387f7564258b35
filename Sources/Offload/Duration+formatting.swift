extension Duration {
    /// A short human reading for logs: `850 µs`, `12.3 ms`, `4.19 s`, `2 min 5 s`.
    public var formatted: String {
        let seconds = self.seconds
        switch abs(seconds) {
        case ..<0.001: return "\(Int((seconds * 1_000_000).rounded())) µs"
        case ..<1: return String(format: "%.1f ms", seconds * 1000)
        case ..<120: return String(format: "%.2f s", seconds)
        default:
            // Whole seconds without trapping: a duration read from a damaged row may exceed Int.
            let whole = seconds.isFinite ? Int64(max(min(seconds, 9e15), -9e15).rounded(.towardZero)) : 0
            return "\(whole / 60) min \(whole % 60) s"
        }
    }
}

import Foundation
