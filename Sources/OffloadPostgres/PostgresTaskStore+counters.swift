import Foundation
import Offload
import PostgresNIO

/// The metrics' counters and gauges (docs/metrics.md): grouped counts over the rows held, plus the counters
/// table that deletes, admin retries and the supervisor's events add to (migration v7).
extension PostgresTaskStore {
    public func metricsRows() async throws -> [TaskMetricsRow] {
        // One statement, one snapshot: a prune committing meanwhile is seen either before or after, never twice.
        let query = PostgresQuery(unsafeSQL: """
            \(PostgresMetricsSQL.facts(from: names.task))
            UNION ALL
            SELECT queue_name, task_name, event, bucket, count, sum_seconds FROM \(names.counter)
            """)
        return try await withConnection { [self] connection in
            var rows: [TaskMetricsRow] = []
            for try await row in try await connection.query(query, logger: logger) {
                let (queue, task, event, bucket, count, sum) = try row.decode((String, String, String, Int, Int64, Double).self)
                rows.append(TaskMetricsRow(queueName: queue, taskName: task, event: event, bucket: bucket, count: Int(clamping: count), sumSeconds: sum))
            }
            return rows
        }
    }

    public func queueGauges(at now: Date) async throws -> [QueueGauges] {
        let query = PostgresQuery(unsafeSQL: """
            SELECT queue_name,
                   count(*) FILTER (WHERE status = 'PENDING' AND run_after <= $1),
                   count(*) FILTER (WHERE status = 'PENDING' AND run_after > $1),
                   count(*) FILTER (WHERE status = 'RUNNING'),
                   min(run_after) FILTER (WHERE status = 'PENDING' AND run_after <= $1)
            FROM \(names.task) WHERE status IN ('PENDING', 'RUNNING') GROUP BY queue_name ORDER BY queue_name
            """, binds: bindings(now))
        return try await withConnection { [self] connection in
            var gauges: [QueueGauges] = []
            for try await row in try await connection.query(query, logger: logger) {
                let (queue, ready, delayed, running, oldest) = try row.decode((String, Int64, Int64, Int64, Date?).self)
                gauges.append(QueueGauges(queueName: queue, ready: Int(clamping: ready), delayed: Int(clamping: delayed), running: Int(clamping: running), oldestReadySince: oldest))
            }
            return gauges
        }
    }

    public func addEventCounts(_ counts: [String: Int]) async throws {
        let positive = counts.filter { $0.value > 0 }.sorted { $0.key < $1.key }
        guard !positive.isEmpty else { return }
        try await inTransaction { [self] connection in
            for (event, count) in positive {
                try await connection.perform(PostgresQuery(unsafeSQL: """
                    INSERT INTO \(names.counter) AS c (queue_name, task_name, event, bucket, count, sum_seconds) VALUES ('', '', $1, -1, $2, 0)
                    \(PostgresMetricsSQL.upsert(names))
                    """, binds: bindings(event, Int64(count))), logger: logger)
            }
        }
    }
}
