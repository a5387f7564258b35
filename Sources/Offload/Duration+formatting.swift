extension Duration {
    /// A short human reading for logs: `850 µs`, `12.3 ms`, `4.19 s`, `2 min 5 s`.
    public var formatted: String {
        let seconds = self.seconds
        switch abs(seconds) {
        case ..<0.001: return "\(Int((seconds * 1_000_000).rounded())) µs"
        case ..<1: return String(format: "%.1f ms", seconds * 1000)
        case ..<120: return String(format: "%.2f s", seconds)
        default: return "\(Int(seconds) / 60) min \(Int(seconds) % 60) s"
        }
    }
}

import Foundation
