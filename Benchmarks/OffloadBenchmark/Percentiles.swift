/// The distribution of a set of latencies, in milliseconds, by the nearest-rank method.
///
/// Tails are what users feel: a p99 of 5 ms means one request in a hundred waits that long or longer,
/// so the benchmark reports p99 and the worst sample next to the median, never a mean alone.
struct Percentiles: Codable, Sendable {
    var count: Int
    var p50: Double
    var p90: Double
    var p99: Double
    var max: Double

    init(milliseconds samples: [Double]) {
        let sorted = samples.sorted()
        count = sorted.count
        func rank(_ fraction: Double) -> Double {
            guard !sorted.isEmpty else { return .nan }
            let index = Int((fraction * Double(sorted.count)).rounded(.up)) - 1
            return sorted[Swift.max(0, Swift.min(sorted.count - 1, index))]
        }
        p50 = rank(0.50)
        p90 = rank(0.90)
        p99 = rank(0.99)
        max = sorted.last ?? .nan
    }

    var summary: String {
        "p50 \(Units.milliseconds(p50)), p90 \(Units.milliseconds(p90)), p99 \(Units.milliseconds(p99)), max \(Units.milliseconds(max)) (n=\(count))"
    }
}

extension Duration {
    /// The duration in milliseconds, with sub-microsecond precision.
    var inMilliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1_000 + Double(attoseconds) / 1_000_000_000_000_000
    }

    var inSeconds: Double { inMilliseconds / 1_000 }
}
