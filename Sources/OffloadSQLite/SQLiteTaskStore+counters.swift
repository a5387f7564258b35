import Foundation
import GRDB
import Offload

/// The metrics' counters and gauges (docs/metrics.md): grouped counts over the rows held, in one read, plus the
/// counters table that deletes, admin retries and the supervisor's events add to (migration v7).
extension SQLiteTaskStore {
    public func metricsRows() async throws -> [TaskMetricsRow] {
        try read { db in
            var rows: [TaskMetricsRow] = []
            let (queue, task) = (SQLiteMetricsSQL.queue(""), SQLiteMetricsSQL.task(""))
            // One scan for enqueued (every row), finished statuses, retried and recovered attempts.
            let tallies = try Row.fetchCursor(db, sql: """
                SELECT \(queue), \(task), CAST(status AS TEXT), count(*),
                       total(CASE WHEN errors != '[]' THEN \(SQLiteMetricsSQL.retried("")) ELSE 0 END),
                       total(CASE WHEN errors != '[]' THEN \(SQLiteMetricsSQL.recovered("")) ELSE 0 END)
                FROM offload_task GROUP BY 1, 2, 3
                """)
            while let row = try tallies.next() {
                let queueName = String.fromDatabaseValue(row[0])
                let taskName = String.fromDatabaseValue(row[1])
                let status = String.fromDatabaseValue(row[2])
                let (q, t) = (queueName ?? "", taskName ?? "")
                let count = Self.clampedCount(row[3])
                rows.append(TaskMetricsRow(queueName: q, taskName: t, event: "enqueued", count: count))
                if let status, !["PENDING", "RUNNING"].contains(status) {
                    rows.append(TaskMetricsRow(queueName: q, taskName: t, event: status, count: count))
                }
                rows.append(TaskMetricsRow(queueName: q, taskName: t, event: "retried", count: Self.clampedCount(row[4])))
                rows.append(TaskMetricsRow(queueName: q, taskName: t, event: "recovered", count: Self.clampedCount(row[5])))
            }
            let wait = SQLiteMetricsSQL.waitSeconds("")
            let run = SQLiteMetricsSQL.runSeconds("")
            let histograms = try Row.fetchCursor(db, sql: """
                SELECT \(queue), \(task), 'wait', \(TaskMetricsBuckets.sqlCase(wait)), count(*), total(\(wait))
                FROM offload_task WHERE started_at IS NOT NULL AND \(wait) IS NOT NULL GROUP BY 1, 2, 4
                UNION ALL
                SELECT \(queue), \(task), 'run:' || status, \(TaskMetricsBuckets.sqlCase(run)), count(*), total(\(run))
                FROM offload_task WHERE status IN \(SQLiteMetricsSQL.ranStatuses) GROUP BY 1, 2, 3, 4
                UNION ALL
                SELECT queue_name, task_name, event, bucket, count, sum_seconds FROM offload_counter
                """)
            while let row = try histograms.next() {
                let queueName = String.fromDatabaseValue(row[0])
                let taskName = String.fromDatabaseValue(row[1])
                let event = String.fromDatabaseValue(row[2])
                rows.append(TaskMetricsRow(
                    queueName: queueName ?? "", taskName: taskName ?? "", event: event ?? "",
                    bucket: Int.fromDatabaseValue(row[3]) ?? TaskMetricsBuckets.infinityIndex,
                    count: Self.clampedCount(row[4]), sumSeconds: Double.fromDatabaseValue(row[5]) ?? 0))
            }
            return rows
        }
    }

    /// A count read as a REAL (`total`) or an INTEGER, clamped into `Int` without trapping.
    private static func clampedCount(_ value: DatabaseValue) -> Int {
        guard let number = Double.fromDatabaseValue(value), number.isFinite else { return 0 }
        return number >= Double(Int.max) ? Int.max : max(0, Int(number))
    }

    public func queueGauges(at now: Date) async throws -> [QueueGauges] {
        try read { db in
            // A run_after that is not an integer counts as ready, as the claim treats it.
            let due = "(run_after <= ? OR typeof(run_after) != 'integer')"
            let micros = DatabaseTime.micros(now)
            return try Row.fetchAll(db, sql: """
                SELECT CAST(queue_name AS TEXT),
                       total(status = 'PENDING' AND \(due)), total(status = 'PENDING' AND NOT \(due)), total(status = 'RUNNING'),
                       min(CASE WHEN status = 'PENDING' AND typeof(run_after) = 'integer' AND run_after <= ? THEN run_after END)
                FROM offload_task WHERE status IN ('PENDING', 'RUNNING') GROUP BY 1 ORDER BY 1
                """, arguments: [micros, micros, micros]).map { row in
                let oldest: Date? = DatabaseTime.date(Int64.fromDatabaseValue(row[4]))
                return QueueGauges(
                    queueName: String.fromDatabaseValue(row[0]) ?? "",
                    ready: Self.clampedCount(row[1]), delayed: Self.clampedCount(row[2]), running: Self.clampedCount(row[3]),
                    oldestReadySince: oldest)
            }
        }
    }

    public func addEventCounts(_ counts: [String: Int]) async throws {
        let positive = counts.filter { $0.value > 0 }
        guard !positive.isEmpty else { return }
        try writeTransaction { db in
            let statement = try db.cachedStatement(sql: """
                INSERT INTO offload_counter (queue_name, task_name, event, bucket, count, sum_seconds) VALUES ('', '', ?, -1, ?, 0)
                ON CONFLICT DO UPDATE SET count = min(count + excluded.count, \(Int64.max / 2))
                """)
            for (event, count) in positive.sorted(by: { $0.key < $1.key }) {
                try statement.execute(arguments: [event, count])
            }
        }
    }
}
