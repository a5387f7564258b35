import Foundation
import Offload
import OffloadSQLite

/// Part 6a, scale: whether claiming slows down as finished results pile up.
///
/// Offload keeps results until they are pruned, so a busy deployment's table holds millions of
/// finished rows. Claims read only the partial index on PENDING rows and completes go by primary
/// key, so neither should care how many finished rows there are. This measures one claim + complete
/// (two transactions through ``SQLiteTaskStore/completeAndClaim(_:claim:)``, one task each) with a
/// small history and with a large one, on the same file.
struct ClaimScaleBenchmark {
    static let section = "6 Scale"
    /// "Flat": the median at the large size within 25% (plus 20 µs of timer noise) of the small one.
    static let flatTolerance = 1.25

    let options: BenchmarkOptions

    /// Measures at both sizes and returns the database, which then holds the large history, for the prune test.
    func run(report: BenchmarkReport) throws -> ScratchDatabase {
        let counts = options.counts
        Console.line("\n[6] Claim latency with \(Units.grouped(counts.scaleSmallTable)) vs \(Units.grouped(counts.scaleLargeTable)) finished rows")
        let database = try ScratchDatabase(directory: options.directory, name: "scale")
        let raw = try database.openRaw()
        let store = try database.openStore()

        try OffloadSQL.insertFinished(count: counts.scaleSmallTable, into: raw)
        let small = try measure(store, claims: counts.scaleClaims)
        report.add(Figure(
            section: Self.section, name: "claim+complete with \(Units.grouped(counts.scaleSmallTable)) finished rows", value: small.p50, unit: "ms",
            display: "p50 \(Units.milliseconds(small.p50)), p99 \(Units.milliseconds(small.p99))",
            note: "\(small.count) tasks, one claim transaction and one complete transaction each"))

        let clock = ContinuousClock()
        let fillStart = clock.now
        try OffloadSQL.insertFinished(count: counts.scaleLargeTable - counts.scaleSmallTable, into: raw)
        let fillSeconds = (clock.now - fillStart).inSeconds
        sync()
        let large = try measure(store, claims: counts.scaleClaims)
        let ratio = large.p50 / small.p50
        let flat = large.p50 <= small.p50 * Self.flatTolerance + 0.020
        report.add(Figure(
            section: Self.section, name: "claim+complete with \(Units.grouped(counts.scaleLargeTable)) finished rows", value: large.p50, unit: "ms",
            display: "p50 \(Units.milliseconds(large.p50)), p99 \(Units.milliseconds(large.p99)) (×\(String(format: "%.2f", ratio)) the p50 above)",
            target: "flat (p50 ≤ ×1.25)", met: flat,
            note: "history inserted in \(Units.seconds(fillSeconds)) with raw SQL"))
        return database
    }

    /// Enqueues `claims` tasks, then claims and completes them one at a time, timing each pair.
    private func measure(_ store: SQLiteTaskStore, claims: Int) throws -> Percentiles {
        _ = try store.enqueue(batch: (0..<claims).map(EnqueueBenchmark.echoRequest))
        let workerID = "benchmark:scale"
        let queues = QueueSelection.named([TaskOptions.defaultQueueName])
        let clock = ContinuousClock()
        var samples: [Double] = []
        samples.reserveCapacity(claims)
        for _ in 0..<claims {
            let start = clock.now
            let claimed = try store.completeAndClaim([], claim: ClaimRequest(workerID: workerID, queues: queues, limit: 1))
            guard let task = claimed.first else { throw BenchmarkFailure("the scale test ran out of pending tasks") }
            _ = try store.completeAndClaim([TaskOutcome(id: task.id, workerID: workerID, result: .succeeded(returnValue: #""x""#))], claim: nil)
            samples.append((clock.now - start).inMilliseconds)
        }
        return Percentiles(milliseconds: samples)
    }
}
