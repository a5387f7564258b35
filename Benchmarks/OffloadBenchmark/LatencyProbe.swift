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

    /// Where one task's enqueue → start went: the enqueue's own commit (its sync, at FULL) up to the moment
    /// `enqueue` returned, then the pick-up (wake-up, claim) from there to the stored start.
    struct Split: Sendable {
        /// `started_at − enqueued_at`, the figure part 4 reports.
        var total: Percentiles
        /// From `enqueued_at` (stamped inside the transaction) to `enqueue`'s return: the commit and its sync.
        var commit: Percentiles
        /// From `enqueue`'s return to `started_at`: the announcement, the wake-up and the claim; negative
        /// when the worker, woken by the WAL write, claimed before the enqueuer's thread ran again.
        var pickUp: Percentiles

        var note: String {
            "commit (enqueued_at → enqueue returned) \(commit.summary); pick-up (returned → started_at) \(pickUp.summary)"
        }
    }

    /// Enqueues `count` tasks `gap` apart through `app` (its durability decides how each commit is synced)
    /// and returns their enqueue → start latencies, split at the enqueue's return, once every one has started.
    static func measure(enqueuingInto app: SQLiteTaskStore, count: Int, gap: Duration) async throws -> Split {
        var enqueued: [(id: TaskResultID, returnedAt: Date)] = []
        for index in 0..<count {
            try await Task.sleep(for: gap)
            let id = try await app.enqueue(EnqueueBenchmark.echoRequest(index)).id
            enqueued.append((id, Date()))
        }
        var total: [Double] = []
        var commit: [Double] = []
        var pickUp: [Double] = []
        let deadline = ContinuousClock.now + .seconds(60)
        for (id, returnedAt) in enqueued {
            while true {
                let record = try await app.record(id: id)
                if let started = record.startedAt {
                    total.append(started.timeIntervalSince(record.enqueuedAt) * 1_000)
                    commit.append(returnedAt.timeIntervalSince(record.enqueuedAt) * 1_000)
                    pickUp.append(started.timeIntervalSince(returnedAt) * 1_000)
                    break
                }
                guard ContinuousClock.now < deadline else { throw LatencyTimeout(id: id) }
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        return Split(total: Percentiles(milliseconds: total), commit: Percentiles(milliseconds: commit), pickUp: Percentiles(milliseconds: pickUp))
    }

    struct LatencyTimeout: Error, CustomStringConvertible {
        let id: TaskResultID
        var description: String { "task \(id) did not start within 60 s of the last enqueue" }
    }
}
