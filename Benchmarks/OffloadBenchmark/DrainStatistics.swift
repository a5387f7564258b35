import Foundation
import Offload

/// What the stored records say about a drain, read through `TaskStore.records(matching:)` so that the
/// same arithmetic serves every store.
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

    /// Reads the `count` tasks of a drain, which must be all the database holds, once they have all finished.
    static func read(from store: some TaskStore, count: Int, committedAt: Date) async throws -> DrainStatistics {
        let records = try await store.records(matching: TaskFilter(limit: count))
        return try DrainStatistics(records: records, committedAt: committedAt)
    }

    init(records: [TaskRecord], committedAt: Date) throws {
        let starts = records.compactMap(\.startedAt)
        let finishes = records.compactMap(\.finishedAt).sorted()
        guard let firstStart = starts.min(), let lastFinish = finishes.last, finishes.count == records.count else {
            throw BenchmarkFailure("a drained task has no start or finish time")
        }
        // Tasks claimed in one transaction share their worker and their first start (the claim's time).
        struct Claim: Hashable {
            var worker: String?
            var startedAt: Date?
        }
        let claims = Set(records.map { Claim(worker: $0.workerIDs.last, startedAt: $0.startedAt) })
        let perWorker = Dictionary(grouping: records, by: { $0.workerIDs.last ?? "" }).values.map(\.count)
        let longestPause = zip(finishes, finishes.dropFirst()).map { $1.timeIntervalSince($0) }.max() ?? 0
        seconds = lastFinish.timeIntervalSince(min(committedAt, firstStart))
        meanBatch = Double(records.count) / Double(max(1, claims.count))
        self.perWorker = perWorker.sorted(by: >)
        maxAttempts = records.map(\.attempts).max() ?? 0
        self.longestPause = longestPause * 1_000
        firstClaim = firstStart.timeIntervalSince(committedAt) * 1_000
    }
}
