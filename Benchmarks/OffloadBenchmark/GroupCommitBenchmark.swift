import Foundation
import Offload
import OffloadSQLite

/// Part "durability": enqueue rates at both durabilities with 1, 8 and 64 concurrent enqueuers (group commit),
/// each against the raw single-row commit rate at the same `synchronous` setting, measured in the same run.
///
/// At FULL every commit syncs the WAL, so one enqueuer is bound by the disk's sync rate; concurrent
/// enqueuers share a transaction and its sync, so their rate should rise well above that bound (the target:
/// 64 enqueuers ≥ 5× the raw single-row FULL rate).
struct GroupCommitBenchmark {
    static let section = "2b Enqueue by durability (group commit)"
    static let enqueuerCounts = [1, 8, 64]

    let directory: String
    let writes: Int

    func run(report: BenchmarkReport) async throws {
        Console.line("\n[2b] Enqueue at FULL and NORMAL, 1/8/64 concurrent enqueuers")
        for durability in [SQLiteDurability.normal, .full] {
            // FULL commits are a few hundred per second on a slow disk: fewer of them keep the part short.
            let count = durability == .full ? max(200, writes / 20) : writes
            // The lone enqueuer is read as a ratio to the raw rate: alternating rounds expose both to the same
            // load drift (as part 2 does), and the raw median is the limit every row is read against.
            var rawRounds: [Double] = []
            var loneRounds: [Double] = []
            let perRound = max(40, count / SingleRowWriteRounds.rounds)
            for round in 0..<SingleRowWriteRounds.rounds {
                rawRounds.append(try rawRate(durability: durability, count: perRound, round: round))
                loneRounds.append(try await storeRate(durability: durability, enqueuers: 1, count: perRound, round: round))
            }
            let raw = Self.median(rawRounds)
            report.add(Figure(
                section: Self.section, name: "raw single-row commits, synchronous=\(durability)", value: raw, unit: "commits/s",
                display: "\(Units.rate(raw)) commits/s", note: "the limit the rows below are compared with; median of \(rawRounds.count) rounds alternating with the lone enqueuer's"))
            for enqueuers in Self.enqueuerCounts {
                let rate = enqueuers == 1
                    ? Self.median(loneRounds)
                    : try await storeRate(durability: durability, enqueuers: enqueuers, count: count, round: 0)
                let ratio = rate / raw
                let goal = durability == .full && enqueuers == 64
                report.add(Figure(
                    section: Self.section, name: "enqueue, \(enqueuers) concurrent, durability \(durability)", value: rate, unit: "tasks/s",
                    display: "\(Units.rate(rate)) tasks/s = \(String(format: "%.2f", ratio))× the raw single-row rate",
                    target: goal ? "≥ 5× the raw single-row FULL rate" : nil, met: goal ? ratio >= 5 : nil,
                    note: enqueuers == 1
                        ? "async enqueue(_:), median of \(loneRounds.count) rounds of \(Units.grouped(perRound)) alternating with the raw ones"
                        : "async enqueue(_:), \(Units.grouped(count)) tasks"))
            }
        }
    }

    private func rawRate(durability: SQLiteDurability, count: Int, round: Int) throws -> Double {
        try SingleRowWriteRounds.measureRaw(directory: directory, name: "durability-raw-\(durability)-\(round)", count: count, synchronous: durability)
    }

    private static func median(_ values: [Double]) -> Double {
        values.sorted()[values.count / 2]
    }

    private func storeRate(durability: SQLiteDurability, enqueuers: Int, count: Int, round: Int) async throws -> Double {
        let database = try ScratchDatabase(directory: directory, name: "durability-\(durability)-\(enqueuers)-\(round)")
        defer { database.remove() }
        var configuration = SQLiteStoreConfiguration()
        configuration.watchesWAL = false
        configuration.durability = durability
        let store = try SQLiteTaskStore(path: database.path, configuration: configuration)
        let each = max(1, count / enqueuers)
        let clock = ContinuousClock()
        let start = clock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for enqueuer in 0..<enqueuers {
                group.addTask {
                    for index in 0..<each {
                        _ = try await store.enqueue(EnqueueBenchmark.echoRequest(enqueuer * each + index))
                    }
                }
            }
            try await group.waitForAll()
        }
        return Double(each * enqueuers) / (clock.now - start).inSeconds
    }
}
