import Foundation
import Offload
import OffloadSQLite

/// Enqueue-to-start latency on a session whose one worker idles between tasks (part 4 on SQLite,
/// part 8 on PostgreSQL): `count` tasks, each enqueued 5–10 ms (random) after the one before, so that
/// every task finds the worker asleep and has to wake it.
///
/// The latency of a task is `started_at − enqueued_at` from its stored record, both written on this
/// machine's clock: the enqueue stamps the first, the worker's claim the second.
enum LatencyProbe {
    static func measure(_ session: SupervisorSession<some ScratchTaskStore>, count: Int) async throws -> Percentiles {
        for index in 0..<count {
            // Spread out in time, with jitter, so that every task finds the worker idle and asleep.
            try await Task.sleep(for: .microseconds(Int.random(in: 5_000...10_000)))
            _ = try await session.store.enqueue(EnqueueBenchmark.echoRequest(index))
        }
        try await session.waitUntilSuccessful(count, timeout: .seconds(60))
        let records = try await session.store.records(matching: TaskFilter(status: .successful, limit: count))
        let waits = records.compactMap { record in
            record.startedAt.map { $0.timeIntervalSince(record.enqueuedAt) * 1_000 }
        }
        return Percentiles(milliseconds: waits)
    }

    static let method = "one every 5–10 ms, from stored enqueued_at and started_at"

    /// Enqueues `count` tasks `gap` apart through `app` (its durability decides how each commit is synced)
    /// and returns their enqueue → start latencies, waiting until every one has started.
    static func measure(enqueuingInto app: SQLiteTaskStore, count: Int, gap: Duration) async throws -> Percentiles {
        var ids: [TaskResultID] = []
        for index in 0..<count {
            try await Task.sleep(for: gap)
            ids.append(try await app.enqueue(EnqueueBenchmark.echoRequest(index)).id)
        }
        var waits: [Double] = []
        let deadline = ContinuousClock.now + .seconds(60)
        for id in ids {
            while true {
                let record = try await app.record(id: id)
                if let started = record.startedAt {
                    waits.append(started.timeIntervalSince(record.enqueuedAt) * 1_000)
                    break
                }
                guard ContinuousClock.now < deadline else { throw LatencyTimeout(id: id) }
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        return Percentiles(milliseconds: waits)
    }

    struct LatencyTimeout: Error, CustomStringConvertible {
        let id: TaskResultID
        var description: String { "task \(id) did not start within 60 s of the last enqueue" }
    }
}
