import Foundation
import Offload
import OffloadSQLite

/// Part 2, enqueue: tasks per second through ``SQLiteTaskStore``, as a web app enqueues them.
///
/// One by one, each `enqueue` is its own `BEGIN IMMEDIATE` transaction, so the rate is bound by
/// SQLite's single-row commit rate (part 1); what is left over is GRDB's and Offload's own cost per call,
/// which the target keeps under 30%. That rate is measured in rounds alternating with part 1's
/// (``SingleRowWriteRounds``). In bulk, `enqueue(batch:)` shares one commit among many rows.
struct EnqueueBenchmark {
    static let section = "2 Enqueue (SQLiteTaskStore)"
    static let bulkBatchSize = 1_000

    let directory: String
    let counts: BenchmarkOptions.Counts

    func run(report: BenchmarkReport, limits: SQLiteLimitBenchmark.Limits) async throws {
        Console.line("\n[2] Enqueue through SQLiteTaskStore")
        let rounds = limits.writeRounds
        let share = rounds.store / rounds.raw
        report.add(Figure(
            section: Self.section, name: "one by one (1 transaction each)", value: rounds.store, unit: "tasks/s",
            display: "\(Units.rate(rounds.store)) tasks/s = \(Int((share * 100).rounded()))% of the limit",
            target: "≥ 70% of the limit", met: share >= 0.70,
            note: "median of \(SingleRowWriteRounds.rounds) rounds alternating with the raw ones; per-round ratios \(rounds.ratios.map { "\(Int(($0 * 100).rounded()))%" }.joined(separator: " "))"))

        let bulk = try await measureBulk(count: counts.enqueueBulk)
        report.add(Figure(
            section: Self.section, name: "bulk, enqueue(batch:) of \(Units.grouped(Self.bulkBatchSize))", value: bulk, unit: "tasks/s",
            display: "\(Units.rate(bulk)) tasks/s", note: "one commit per \(Units.grouped(Self.bulkBatchSize)) tasks"))
    }

    static func echoRequest(_ value: Int) -> TaskRequest {
        TaskRequest(taskName: BenchmarkTask.name, arguments: #"{"value":"\#(value)"}"#)
    }

    private func measureBulk(count: Int) async throws -> Double {
        let database = try ScratchDatabase(directory: directory, name: "enqueue-bulk")
        defer { database.remove() }
        return try await Self.bulkRate(into: database.openStore(), count: count)
    }

    /// Tasks/s through `enqueue(batch:)` in batches of ``bulkBatchSize``, on either store (part 8 asks it of PostgreSQL).
    static func bulkRate(into store: any TaskStore, count: Int) async throws -> Double {
        let batch = (0..<bulkBatchSize).map(echoRequest)
        let clock = ContinuousClock()
        let start = clock.now
        var enqueued = 0
        while enqueued < count {
            enqueued += try await store.enqueue(batch: batch).count
        }
        return Double(enqueued) / (clock.now - start).inSeconds
    }
}

/// The web app's path: `SynchronousTaskBackend.enqueue`, one `BEGIN IMMEDIATE` transaction.
func enqueueSynchronously(_ request: TaskRequest, into store: SQLiteTaskStore) throws -> TaskRecord {
    try store.enqueue(request)
}
