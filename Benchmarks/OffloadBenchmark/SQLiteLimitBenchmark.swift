import Foundation

/// Part 1, the limit: what SQLite itself does on this file system, with Offload's schema and SQL but
/// none of Offload's layers (no GRDB, no Swift concurrency, no JSON): prepared statements and
/// `BEGIN IMMEDIATE` … `COMMIT` through the C API.
///
/// Every Offload figure is read against these: enqueueing one task per transaction cannot beat
/// ``Limits/singleRowWrites``, and a worker that claims and completes one task per transaction
/// cannot beat ``Limits/claimCompletePairs``. Only batching (several tasks per transaction) goes
/// past them, and ``Limits/batchedClaimComplete`` is the ceiling of that.
struct SQLiteLimitBenchmark {
    struct Limits {
        /// Single-row write transactions per second (an `INSERT` of one pending task each).
        var singleRowWrites: Double
        /// Claim + complete pairs per second, each in its own transaction (two per task).
        var claimCompletePairs: Double
        /// Tasks per second when each transaction completes the previous batch and claims the next.
        var batchedClaimComplete: Double
        /// The single-row rounds, which also hold part 2's one-by-one enqueue rate.
        var writeRounds: SingleRowWriteRounds
    }

    static let section = "1 SQLite limit (raw C API)"
    static let batchSize = 64

    let directory: String
    let counts: BenchmarkOptions.Counts

    func run(report: BenchmarkReport) throws -> Limits {
        Console.line("\n[1] SQLite limit: raw prepared statements on Offload's schema")
        sync()
        let rounds = try SingleRowWriteRounds.measure(directory: directory, count: counts.limitWrites)
        report.add(Figure(
            section: Self.section, name: "single-row write transactions", value: rounds.raw, unit: "tx/s",
            display: "\(Units.rate(rounds.raw)) tx/s",
            note: "INSERT of one pending task per BEGIN IMMEDIATE…COMMIT; median of \(SingleRowWriteRounds.rounds) rounds of \(Units.grouped(counts.limitWrites / SingleRowWriteRounds.rounds)), alternating with part 2's enqueue rounds"))

        let pairs = try measureClaimComplete(count: counts.limitClaims, batch: 1)
        report.add(Figure(
            section: Self.section, name: "claim+complete pairs, 1 task per transaction", value: pairs, unit: "tasks/s",
            display: "\(Units.rate(pairs)) tasks/s", note: "Offload's claim UPDATE…RETURNING, then its complete UPDATE: 2 commits per task"))

        let batched = try measureClaimComplete(count: counts.limitClaims * 4, batch: Self.batchSize)
        report.add(Figure(
            section: Self.section, name: "claim+complete, \(Self.batchSize) tasks per transaction", value: batched, unit: "tasks/s",
            display: "\(Units.rate(batched)) tasks/s", note: "one commit completes the last batch and claims the next: the ceiling for batched workers"))
        return Limits(singleRowWrites: rounds.raw, claimCompletePairs: pairs, batchedClaimComplete: batched, writeRounds: rounds)
    }

    private func measureClaimComplete(count: Int, batch: Int) throws -> Double {
        let database = try ScratchDatabase(directory: directory, name: "limit-claims-\(batch)")
        defer { database.remove() }
        let connection = try database.openRaw()
        let begin = try connection.prepare("BEGIN IMMEDIATE")
        let commit = try connection.prepare("COMMIT")
        let insert = try connection.prepare(OffloadSQL.insertPending)
        try begin.run()
        let enqueuedAt = WallClock.micros()
        for _ in 0..<count {
            OffloadSQL.bindPending(insert, now: enqueuedAt)
            try insert.run()
        }
        try commit.run()

        let claim = try connection.prepare(OffloadSQL.claim)
        let complete = try connection.prepare(OffloadSQL.complete)
        let workerID = "benchmark:limit"
        var held: [Int64] = []
        var done = 0
        let clock = ContinuousClock()
        let start = clock.now
        while done < count {
            try begin.run()
            if batch > 1 { try completeAll(held, with: complete, workerID: workerID) }
            held = try claimBatch(with: claim, limit: batch, workerID: workerID)
            try commit.run()
            if held.isEmpty { break }
            if batch == 1 {
                try begin.run()
                try completeAll(held, with: complete, workerID: workerID)
                try commit.run()
            }
            done += held.count
        }
        if batch > 1, !held.isEmpty {
            try begin.run()
            try completeAll(held, with: complete, workerID: workerID)
            try commit.run()
        }
        let elapsed = (clock.now - start).inSeconds
        precondition(done == count, "claimed \(done) of \(count) tasks")
        return Double(done) / elapsed
    }

    private func claimBatch(with claim: RawStatement, limit: Int, workerID: String) throws -> [Int64] {
        claim.bind(workerID, at: 1)
        claim.bind(WallClock.micros(), at: 2)
        claim.bind("default", at: 3)
        claim.bind(limit, at: 4)
        defer { claim.reset() }
        var ids: [Int64] = []
        while try claim.step() { ids.append(claim.int64(at: 0)) }
        return ids
    }

    private func completeAll(_ ids: [Int64], with complete: RawStatement, workerID: String) throws {
        let finishedAt = WallClock.micros()
        for id in ids {
            complete.bind(#""x""#, at: 1)
            complete.bind(finishedAt, at: 2)
            complete.bind(id, at: 3)
            complete.bind(workerID, at: 4)
            try complete.run()
        }
    }
}
