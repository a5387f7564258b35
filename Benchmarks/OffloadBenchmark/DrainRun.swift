import Foundation
import Offload

/// One drain: a supervisor on a fresh database, `count` no-op tasks committed at once while its workers
/// idle, and what the stored records and `/proc` say afterwards. Parts 3 (SQLite) and 8 (PostgreSQL)
/// both measure through it.
///
/// The rate is `count` over the time from the commit to the last stored finish, so neither process
/// start-up nor the coarse poll that waits for the end is counted.
struct DrainRun {
    var rate: Double
    var statistics: DrainStatistics
    /// CPU seconds the workers and the supervisor spent between the commit and the end.
    var workerCPU: Double
    var supervisorCPU: Double
    /// CPU seconds of the database server's processes in the same time, when they run on this machine.
    var serverCPU: Double?
    var footprint: ProcessFootprint

    /// Runs the drain on `database` under a supervisor and removes it afterwards, whatever happens.
    /// `companion` (the console part's poller) is told when the tasks are committed and when they are done.
    static func measure(
        _ database: some ScratchTaskStore, options: BenchmarkOptions, workers: Int, count: Int, companion: (any DrainCompanion)? = nil
    ) async throws -> DrainRun {
        try await SupervisorSession.with(options: options, database: database, workers: workers) { session in
            try await measure(on: session, count: count, companion: companion)
        }
    }

    /// The same drain with the same workers and no supervisor (``StandaloneWorkers``).
    static func measureWithoutSupervisor(_ database: some ScratchTaskStore, options: BenchmarkOptions, workers: Int, count: Int) async throws -> DrainRun {
        try await StandaloneWorkers.with(options: options, database: database, workers: workers) { session in
            try await measure(on: session, count: count)
        }
    }

    private static func measure(on session: some DrainProcesses, count: Int, companion: (any DrainCompanion)? = nil) async throws -> DrainRun {
        // Let every worker reach its idle wait, as in production between bursts, and write back
        // what earlier parts left dirty so that the kernel's flushing does not compete with the drain.
        sync()
        try await Task.sleep(for: .milliseconds(500))
        let workerPIDs = try await session.workerPIDs()
        let supervisorPID = session.supervisorPID
        let before = workerPIDs.map(ProcessSample.read)
        let supervisorBefore = supervisorPID.flatMap(ProcessSample.read)
        let serverBefore = await session.database.serverCPU()
        _ = try await session.database.store.enqueue(batch: (0..<count).map(EnqueueBenchmark.echoRequest))
        let committedAt = Date()
        if let companion { try await companion.drainStarted() }
        do {
            try await session.waitUntilSuccessful(count, timeout: .seconds(600), interval: .milliseconds(100))
        } catch {
            await companion?.drainEnded()
            throw error
        }
        await companion?.drainEnded()
        let after = workerPIDs.map(ProcessSample.read)
        let supervisorAfter = supervisorPID.flatMap(ProcessSample.read)
        let serverAfter = await session.database.serverCPU()
        let statistics = try await DrainStatistics.read(from: session.database.store, count: count, committedAt: committedAt)
        return DrainRun(
            rate: Double(count) / statistics.seconds,
            statistics: statistics,
            workerCPU: zip(before, after).map { ($1?.cpuSeconds ?? 0) - ($0?.cpuSeconds ?? 0) }.reduce(0, +),
            supervisorCPU: (supervisorAfter?.cpuSeconds ?? 0) - (supervisorBefore?.cpuSeconds ?? 0),
            serverCPU: serverBefore.flatMap { before in serverAfter?.spent(since: before) },
            footprint: ProcessFootprint(supervisor: supervisorAfter, worker: after.first ?? nil))
    }

    /// "CPU per task: workers 35 µs, supervisor 30 µs" (and the server's, when known).
    func cpuPerTask(count: Int) -> String {
        func micros(_ seconds: Double) -> String { "\(Int((seconds / Double(count) * 1e6).rounded())) µs" }
        var text = "CPU per task: workers \(micros(workerCPU)), supervisor \(micros(supervisorCPU))"
        if let serverCPU { text += ", server \(micros(serverCPU))" }
        return text
    }

    /// The median run by rate, and every rate, lowest first, for the table.
    static func median(of runs: [DrainRun]) -> (median: DrainRun, display: String) {
        let sorted = runs.sorted { $0.rate < $1.rate }
        let median = sorted[sorted.count / 2]
        return (median, "\(Units.rate(median.rate)) tasks/s" + (runs.count > 1 ? " (runs \(sorted.map { Units.rate($0.rate) }.joined(separator: ", ")))" : ""))
    }
}

/// Something that runs beside a drain, from the commit of its tasks to their end: the console part's
/// poller of `offload-web`. Its own cost is what that part measures.
protocol DrainCompanion: Sendable {
    func drainStarted() async throws
    func drainEnded() async
}

/// Resident memory of the supervisor and one worker at one moment.
struct ProcessFootprint {
    var supervisor: ProcessSample?
    var worker: ProcessSample?
}
