import Foundation
import Offload
import OffloadSQLite

/// The single-row write limit (part 1) and one-by-one enqueue (part 2), measured in alternating rounds.
///
/// The enqueue target is a ratio of two rates, and on a shared machine the load drifts over seconds:
/// measured one after the other, the two rates see different machines and the ratio swings by ±15%.
/// Alternating short rounds (raw, then store, then raw…), each on a fresh file, exposes both to the
/// same drift; the median of each side's rounds is what the table reports.
struct SingleRowWriteRounds {
    static let rounds = 5

    /// Median single-row write transactions per second with raw prepared statements.
    var raw: Double
    /// Median tasks per second through `SQLiteTaskStore.enqueue`, one transaction each.
    var store: Double
    /// Each round's ratio store / raw, lowest first.
    var ratios: [Double]

    static func measure(directory: String, count: Int) throws -> SingleRowWriteRounds {
        let perRound = max(1, count / rounds)
        var raw: [Double] = []
        var store: [Double] = []
        for round in 0..<rounds {
            raw.append(try measureRaw(directory: directory, name: "writes-raw-\(round)", count: perRound))
            store.append(try measureStore(directory: directory, name: "writes-store-\(round)", count: perRound))
        }
        return SingleRowWriteRounds(
            raw: median(raw), store: median(store),
            ratios: zip(store, raw).map { $0 / $1 }.sorted())
    }

    /// `BEGIN IMMEDIATE`, Offload's `INSERT` of one pending task, `COMMIT`, with prepared statements, on a
    /// fresh file; `synchronous` is the connection's setting (part 2b measures both), NORMAL as the store's.
    static func measureRaw(directory: String, name: String, count: Int, synchronous: SQLiteDurability = .normal) throws -> Double {
        let database = try ScratchDatabase(directory: directory, name: name)
        defer { database.remove() }
        let connection = try database.openRaw()
        try connection.execute("PRAGMA synchronous = \(synchronous == .full ? "FULL" : "NORMAL")")
        let begin = try connection.prepare("BEGIN IMMEDIATE")
        let commit = try connection.prepare("COMMIT")
        let insert = try connection.prepare(OffloadSQL.insertPending)
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<count {
            try begin.run()
            OffloadSQL.bindPending(insert, now: WallClock.micros())
            try insert.run()
            try commit.run()
        }
        return Double(count) / (clock.now - start).inSeconds
    }

    /// The web app's path: `SQLiteTaskStore.enqueue`, one `BEGIN IMMEDIATE` transaction per task.
    private static func measureStore(directory: String, name: String, count: Int) throws -> Double {
        let database = try ScratchDatabase(directory: directory, name: name)
        defer { database.remove() }
        // The raw rounds run with synchronous=NORMAL: compare like with like (part 2b compares both durabilities).
        var configuration = SQLiteStoreConfiguration()
        configuration.watchesWAL = false
        configuration.durability = .normal
        let store = try SQLiteTaskStore(path: database.path, configuration: configuration)
        let request = EnqueueBenchmark.echoRequest(1)
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<count {
            _ = try enqueueSynchronously(request, into: store)
        }
        return Double(count) / (clock.now - start).inSeconds
    }

    private static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted[sorted.count / 2]
    }
}
