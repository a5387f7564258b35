import Foundation
import Offload

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
}
