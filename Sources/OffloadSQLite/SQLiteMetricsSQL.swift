import Offload

/// The SQL that derives the metrics from task rows (docs/metrics.md), written once for the table's own columns
/// (the scrape) and for `OLD.` (the triggers that fold a row into the counters table before it is gone).
///
/// Every expression survives garbage: a column holding the wrong type yields no observation or the +Inf bucket,
/// never an error that would fail a prune or a scrape.
enum SQLiteMetricsSQL {
    static func queue(_ row: String) -> String { "CAST(\(row)queue_name AS TEXT)" }
    static func task(_ row: String) -> String { "CAST(\(row)task_name AS TEXT)" }

    /// Failed attempts that were followed by another: the errors recorded, less the final one of a FAILED task.
    static func retried(_ row: String) -> String {
        "max(0, (CASE WHEN \(isJSONArray("\(row)errors")) THEN json_array_length(\(row)errors) ELSE 0 END) - (\(row)status = 'FAILED'))"
    }

    /// Attempts settled by recovery after their worker died or vanished.
    static func recovered(_ row: String) -> String {
        let kinds = TaskMetricsBuckets.recoveredExceptionTypes.map { "'\($0)'" }.joined(separator: ", ")
        return "(CASE WHEN \(isJSONArray("\(row)errors")) THEN (SELECT count(*) FROM json_each(\(row)errors) WHERE json_type(value) = 'object' AND json_extract(value, '$.exceptionType') IN (\(kinds))) ELSE 0 END)"
    }

    /// Enqueue → first claim, in seconds; NULL when the task never started or a time is garbage.
    static func waitSeconds(_ row: String) -> String {
        "(CASE WHEN typeof(\(row)started_at) = 'integer' AND typeof(\(row)enqueued_at) = 'integer' THEN max(0, \(row)started_at - \(row)enqueued_at) / 1000000.0 END)"
    }

    /// The last attempt's claim → finish, in seconds, for a task that ran to SUCCESSFUL or FAILED.
    static func runSeconds(_ row: String) -> String {
        "(CASE WHEN typeof(\(row)finished_at) = 'integer' AND typeof(\(row)last_attempted_at) = 'integer' THEN max(0, \(row)finished_at - \(row)last_attempted_at) / 1000000.0 END)"
    }

    static let ranStatuses = "('SUCCESSFUL', 'FAILED')"
    static let unfinishedStatuses = "('PENDING', 'RUNNING')"

    static let upsert = "ON CONFLICT DO UPDATE SET count = count + excluded.count, sum_seconds = sum_seconds + excluded.sum_seconds"

    /// Statements of a trigger body that add `OLD`'s finished outcome (its status and its run time) to the counters.
    static var foldFinishedOutcome: String {
        """
        INSERT INTO offload_counter (queue_name, task_name, event, bucket, count, sum_seconds)
            SELECT \(queue("OLD.")), \(task("OLD.")), CAST(OLD.status AS TEXT), -1, 1, 0
            WHERE OLD.status NOT IN \(unfinishedStatuses) \(upsert);
        INSERT INTO offload_counter (queue_name, task_name, event, bucket, count, sum_seconds)
            SELECT \(queue("OLD.")), \(task("OLD.")), 'run:' || OLD.status, \(TaskMetricsBuckets.sqlCase(runSeconds("OLD."))), 1, coalesce(\(runSeconds("OLD.")), 0)
            WHERE OLD.status IN \(ranStatuses) \(upsert);
        """
    }

    /// Statements of a trigger body that add everything `OLD` counts for to the counters (it is being deleted).
    static var foldWholeRow: String {
        """
        INSERT INTO offload_counter (queue_name, task_name, event, bucket, count, sum_seconds)
            SELECT \(queue("OLD.")), \(task("OLD.")), 'enqueued', -1, 1, 0 WHERE true \(upsert);
        INSERT INTO offload_counter (queue_name, task_name, event, bucket, count, sum_seconds)
            SELECT \(queue("OLD.")), \(task("OLD.")), 'retried', -1, n, 0 FROM (SELECT \(retried("OLD.")) AS n) WHERE n > 0 \(upsert);
        INSERT INTO offload_counter (queue_name, task_name, event, bucket, count, sum_seconds)
            SELECT \(queue("OLD.")), \(task("OLD.")), 'recovered', -1, n, 0 FROM (SELECT \(recovered("OLD.")) AS n) WHERE n > 0 \(upsert);
        INSERT INTO offload_counter (queue_name, task_name, event, bucket, count, sum_seconds)
            SELECT \(queue("OLD.")), \(task("OLD.")), 'wait', \(TaskMetricsBuckets.sqlCase(waitSeconds("OLD."))), 1, \(waitSeconds("OLD."))
            WHERE \(waitSeconds("OLD.")) IS NOT NULL \(upsert);
        \(foldFinishedOutcome)
        """
    }
}
