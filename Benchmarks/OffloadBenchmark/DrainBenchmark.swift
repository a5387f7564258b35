import Foundation
import Offload

/// Part 3, drain: how fast the real supervisor and its workers empty a queue of no-op tasks.
///
/// The workers are started first and left idle; then `count` `benchmark.echo` tasks are committed at once
/// (one `enqueue(batch:)`), which wakes them through the WAL watch. The rate is `count` over the time
/// from that commit to the last stored `finished_at` (see ``DrainRun``).
///
/// A no-op task measures Offload's overhead per task and nothing else. One claim per task would be
/// capped by part 1's claim+complete limit; the worker's prefetch (claim a batch, record the batch's
/// outcomes with the next claim) is what lets it go past that, so the table also shows the mean batch
/// seen (tasks sharing a claim transaction share their `started_at`).
struct DrainBenchmark {
    static let section = "3 Drain (real supervisor)"
    static let targetWorkers = 2
    static let target = 20_000.0

    /// What part 8 compares its PostgreSQL drains with, and what part 5 reports as memory after a drain.
    struct Results {
        /// The median rate for each worker count.
        var medianRates: [Int: Double] = [:]
        /// The supervisor and a worker after the last drain with ``targetWorkers`` workers.
        var footprint: ProcessFootprint?
    }

    let options: BenchmarkOptions

    func run(report: BenchmarkReport, limits: SQLiteLimitBenchmark.Limits) async throws -> Results {
        let count = options.counts.drainTasks
        let repetitions = options.counts.drainRepetitions
        Console.line("\n[3] Drain \(Units.grouped(count)) no-op tasks through the supervisor (median of \(repetitions) runs per row)")
        var results = Results()
        for workers in options.counts.drainWorkers {
            var runs: [DrainRun] = []
            var standaloneRuns: [DrainRun] = []
            for repetition in 0..<repetitions {
                let database = try SQLiteScratchStore(directory: options.directory, name: "drain-\(workers)-\(repetition)", worker: options.worker)
                runs.append(try await DrainRun.measure(database, options: options, workers: workers, count: count))
                // The same workers without the supervisor, right after: what the supervisor costs, same run.
                if workers == Self.targetWorkers {
                    let alone = try SQLiteScratchStore(directory: options.directory, name: "drain-\(workers)-alone-\(repetition)", worker: options.worker)
                    standaloneRuns.append(try await DrainRun.measureWithoutSupervisor(alone, options: options, workers: workers, count: count))
                }
            }
            let (median, display) = DrainRun.median(of: runs)
            let isTarget = workers == Self.targetWorkers
            let stats = median.statistics
            report.add(Figure(
                section: Self.section, name: "\(workers) worker\(workers == 1 ? "" : "s")", value: median.rate, unit: "tasks/s",
                display: display,
                target: isTarget ? "≥ \(Units.rate(Self.target)) tasks/s" : nil, met: isTarget ? median.rate >= Self.target : nil,
                note: "\(String(format: "%.1f", median.rate / limits.claimCompletePairs))× the 1-per-transaction limit, \(Int((median.rate / limits.batchedClaimComplete * 100).rounded()))% of the batched ceiling; mean claim batch \(String(format: "%.1f", stats.meanBatch)); split \(stats.perWorker.map(String.init).joined(separator: "/")); \(median.cpuPerTask(count: count)); first claim after \(Units.milliseconds(stats.firstClaim)); longest pause \(Units.milliseconds(stats.longestPause))"))
            Self.noteAnomalies(of: runs, workers: workers, store: "SQLite", idlePoll: "5 s", report: report)
            results.medianRates[workers] = median.rate
            if isTarget {
                results.footprint = runs.last?.footprint
                Self.reportSupervisorCost(withSupervisor: runs, without: standaloneRuns, workers: workers, count: count, report: report)
            }
        }
        return results
    }

    /// Missed wake-ups and duplicate claims, which a drain's median would hide.
    static func noteAnomalies(of runs: [DrainRun], workers: Int, store: String, idlePoll: String, report: BenchmarkReport) {
        for run in runs where run.statistics.firstClaim > 100 {
            report.note("\(store) drain with \(workers) worker(s): the first claim came \(Units.milliseconds(run.statistics.firstClaim)) after the commit (a missed wake-up; the idle poll is \(idlePoll))")
        }
        if let duplicate = runs.first(where: { $0.statistics.maxAttempts != 1 }) {
            report.note("\(store) drain with \(workers) workers: a task was attempted \(duplicate.statistics.maxAttempts) times (a duplicate claim?)")
        }
    }
}
