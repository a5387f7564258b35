import Foundation
import Offload

/// The Overview's last-hour chart: one bar pair per minute, drawn as SVG on the server (no script, no inline style).
enum ActivityChart {
    static func svg(_ minutes: [FinishedPerMinute], now: Date) -> String {
        let width = 600, height = 120, bar = 10
        let currentMinute = Int64((now.timeIntervalSince1970 / 60).rounded(.down))
        var byOffset: [Int: FinishedPerMinute] = [:]
        for entry in minutes {
            let offset = currentMinute - Int64((entry.minute.timeIntervalSince1970 / 60).rounded(.down))
            if (0..<60).contains(offset) { byOffset[Int(offset)] = entry }
        }
        let peak = max(1, byOffset.values.map { $0.succeeded + $0.failed }.max() ?? 1)
        let succeeded = byOffset.values.reduce(0) { $0 + $1.succeeded }
        let failed = byOffset.values.reduce(0) { $0 + $1.failed }
        var svg = "<figure class=\"chart\"><svg viewBox=\"0 0 \(width) \(height + 14)\" role=\"img\" aria-label=\"Tasks finished per minute over the last hour\">"
        for offset in 0..<60 {
            guard let entry = byOffset[offset] else { continue }
            let x = width - (offset + 1) * bar
            let okHeight = entry.succeeded * height / peak
            let badHeight = entry.failed * height / peak
            if okHeight > 0 { svg += "<rect class=\"ok\" x=\"\(x)\" y=\"\(height - okHeight - badHeight)\" width=\"\(bar - 2)\" height=\"\(okHeight)\"><title>\(entry.succeeded) succeeded</title></rect>" }
            if badHeight > 0 { svg += "<rect class=\"bad\" x=\"\(x)\" y=\"\(height - badHeight)\" width=\"\(bar - 2)\" height=\"\(badHeight)\"><title>\(entry.failed) failed</title></rect>" }
        }
        svg += "<line class=\"axis\" x1=\"0\" y1=\"\(height)\" x2=\"\(width)\" y2=\"\(height)\"/>"
        svg += "<text x=\"0\" y=\"\(height + 12)\">60 min ago</text><text x=\"\(width)\" y=\"\(height + 12)\" text-anchor=\"end\">now</text></svg>"
        let rate = succeeded + failed == 0 ? "0" : String(format: "%.1f", Double(failed) * 100 / Double(succeeded + failed))
        svg += "<figcaption><span class=\"key ok\"></span> \(succeeded) succeeded · <span class=\"key bad\"></span> \(failed) failed (\(rate) % failure rate) · peak \(peak)/min</figcaption></figure>\n"
        return svg
    }
}
