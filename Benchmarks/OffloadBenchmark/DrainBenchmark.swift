import Foundation
import GRDB
import Offload
import OffloadSQLite

/// Part 3, drain: how fast the real supervisor and its workers empty a queue of no-op tasks.
///
/// The workers are started first and left idle; then `count` `benchmark.echo` tasks are committed at once
/// (one `enqueue(batch:)`), which wakes them through the WAL watch. The rate is `count` over the time
/// from that commit to the last stored `finished_at`, so neither process start-up nor the coarse poll
/// that waits for the end is counted.
///
/// A no-op task measures Offload's overhead per task and nothing else. One claim per task would be
/// capped by part 1's claim+complete limit; the worker's prefetch (claim a batch, record the batch's
/// outcomes with the next claim) is what lets it go past that, so the table also shows the mean batch
/// seen (tasks sharing a claim transaction share their `started_at`).
struct DrainBenchmark {
    static let section = "3 Drain (real supervisor)"
    static let targetWorkers = 2
    static let target = 20_000.0

    let options: BenchmarkOptions

    func run(report: BenchmarkReport, limits: SQLiteLimitBenchmark.Limits) async throws -> ProcessFootprint? {
        let count = options.counts.drainTasks
        let repetitions = options.counts.drainRepetitions
        Console.line("\n[3] Drain \(Units.grouped(count)) no-op tasks through the supervisor (median of \(repetitions) runs per row)")
        var footprint: ProcessFootprint?
        for workers in options.counts.drainWorkers {
            var runs: [DrainRun] = []
            for repetition in 0..<repetitions {
                runs.append(try await drainOnce(workers: workers, count: count, name: "drain-\(workers)-\(repetition)"))
            }
            let sorted = runs.sorted { $0.rate < $1.rate }
            let median = sorted[sorted.count / 2]
            let isTarget = workers == Self.targetWorkers
            let stats = median.statistics
            report.add(Figure(
                section: Self.section, name: "\(workers) worker\(workers == 1 ? "" : "s")", value: median.rate, unit: "tasks/s",
                display: "\(Units.rate(median.rate)) tasks/s" + (runs.count > 1 ? " (runs \(sorted.map { Units.rate($0.rate) }.joined(separator: ", ")))" : ""),
                target: isTarget ? "≥ \(Units.rate(Self.target)) tasks/s" : nil, met: isTarget ? median.rate >= Self.target : nil,
                note: "\(String(format: "%.1f", median.rate / limits.claimCompletePairs))× the 1-per-transaction limit, \(Int((median.rate / limits.batchedClaimComplete * 100).rounded()))% of the batched ceiling; mean claim batch \(String(format: "%.1f", stats.meanBatch)); split \(stats.perWorker.map(String.init).joined(separator: "/")); CPU per task: workers \(Int((median.workerCPU / Double(count) * 1e6).rounded())) µs, supervisor \(Int((median.supervisorCPU / Double(count) * 1e6).rounded())) µs; first claim after \(Units.milliseconds(stats.firstClaim)); longest pause \(Units.milliseconds(stats.longestPause))"))
            for run in runs where run.statistics.firstClaim > 100 {
                report.note("drain with \(workers) worker(s): the first claim came \(Units.milliseconds(run.statistics.firstClaim)) after the commit (a missed wake-up; the idle poll is 5 s)")
            }
            if let duplicate = runs.first(where: { $0.statistics.maxAttempts != 1 }) {
                report.note("drain with \(workers) workers: a task was attempted \(duplicate.statistics.maxAttempts) times (a duplicate claim?)")
            }
            if isTarget {
                footprint = runs.last?.footprint
            }
        }
        return footprint
    }

    /// One drain: a fresh database and supervisor, `count` tasks committed at once, the stored timestamps read back.
    private func drainOnce(workers: Int, count: Int, name: String) async throws -> DrainRun {
        let database = try ScratchDatabase(directory: options.directory, name: name)
        defer { database.remove() }
        let session = try await SupervisorSession.start(options: options, database: database, workers: workers)
        do {
            // Let every worker reach its idle wait, as in production between bursts, and write back
            // what earlier parts left dirty so that the kernel's flushing does not compete with the drain.
            sync()
            try await Task.sleep(for: .milliseconds(500))
            let workerPIDs = try session.workerPIDs()
            let supervisorPID = session.process.pid
            let before = workerPIDs.map(ProcessSample.read)
            let supervisorBefore = ProcessSample.read(pid: supervisorPID)
            _ = try session.store.enqueue(batch: (0..<count).map(EnqueueBenchmark.echoRequest))
            let committedAt = WallClock.micros()
            try await session.waitUntilSuccessful(count, timeout: .seconds(600))
            let after = workerPIDs.map(ProcessSample.read)
            let supervisorAfter = ProcessSample.read(pid: supervisorPID)
            let statistics = try DrainStatistics.read(from: session.store, committedAt: committedAt)
            await session.stop()
            return DrainRun(
                rate: Double(count) / statistics.seconds,
                statistics: statistics,
                workerCPU: zip(before, after).map { ($1?.cpuSeconds ?? 0) - ($0?.cpuSeconds ?? 0) }.reduce(0, +),
                supervisorCPU: (supervisorAfter?.cpuSeconds ?? 0) - (supervisorBefore?.cpuSeconds ?? 0),
                footprint: ProcessFootprint(supervisor: supervisorAfter, worker: after.first ?? nil))
        } catch {
            await session.stop()
            throw error
        }
    }
}

/// What one drain measured.
struct DrainRun {
    var rate: Double
    var statistics: DrainStatistics
    /// CPU seconds the workers and the supervisor spent between the commit and the end.
    var workerCPU: Double
    var supervisorCPU: Double
    var footprint: ProcessFootprint
}

/// Resident memory of the supervisor and one worker at one moment.
struct ProcessFootprint {
    var supervisor: ProcessSample?
    var worker: ProcessSample?
}

/// What the stored columns say about a drain.
struct DrainStatistics {
    var seconds: Double
    /// Tasks per claim transaction: the prefetch at work.
    var meanBatch: Double
    var perWorker: [Int]
    var maxAttempts: Int
    /// The longest time, in milliseconds, in which no task finished: a stalled worker shows here.
    var longestPause: Double
    /// Milliseconds from the commit of the tasks to the first claim: how long the idle workers took to wake.
    var firstClaim: Double

    static func read(from store: SQLiteTaskStore, committedAt: Int64) throws -> DrainStatistics {
        try store.pool.read { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT MIN(started_at), MAX(finished_at), COUNT(*), MAX(attempts),
                       (SELECT COUNT(*) FROM (SELECT DISTINCT worker_id, started_at FROM offload_task))
                FROM offload_task
                """)!
            let firstStart: Int64 = row[0]
            let lastFinish: Int64 = row[1]
            let tasks: Int = row[2]
            let claims: Int = row[4]
            let perWorker = try Int.fetchAll(db, sql: "SELECT COUNT(*) FROM offload_task GROUP BY worker_id ORDER BY 1 DESC")
            let finishes = try Int64.fetchAll(db, sql: "SELECT finished_at FROM offload_task ORDER BY finished_at")
            let longestPause = zip(finishes, finishes.dropFirst()).map { $1 - $0 }.max() ?? 0
            return DrainStatistics(
                seconds: Double(lastFinish - min(committedAt, firstStart)) / 1_000_000,
                meanBatch: Double(tasks) / Double(max(1, claims)),
                perWorker: perWorker,
                maxAttempts: row[3],
                longestPause: Double(longestPause) / 1_000,
                firstClaim: Double(firstStart - committedAt) / 1_000)
        }
    }
}
