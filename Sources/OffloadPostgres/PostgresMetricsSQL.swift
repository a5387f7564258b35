import Offload

extension PostgresSchemaNames {
    /// The counters table behind the metrics (migration v7).
    var counter: String { "\"\(schema)\".offload_counter" }
    /// The trigger functions that fold rows into it.
    var foldDeletedFunction: String { "\"\(schema)\".offload_fold_deleted_tasks" }
    var foldUnfinishedFunction: String { "\"\(schema)\".offload_fold_unfinished_task" }
}

/// The SQL that derives the metrics from task rows (docs/metrics.md), for the live table (the scrape) and for
/// rows about to be gone (the triggers that fold them into the counters table first).
enum PostgresMetricsSQL {
    /// Failed attempts that were followed by another: the errors recorded, less the final one of a FAILED task.
    static func retried(_ row: String) -> String {
        "GREATEST(0, (CASE WHEN jsonb_typeof(\(row)errors) = 'array' THEN jsonb_array_length(\(row)errors) ELSE 0 END) - (CASE WHEN \(row)status = 'FAILED' THEN 1 ELSE 0 END))"
    }

    /// Attempts settled by recovery after their worker died or vanished.
    static func recovered(_ row: String) -> String {
        let kinds = TaskMetricsBuckets.recoveredExceptionTypes.map { "'\($0)'" }.joined(separator: ", ")
        return "(CASE WHEN jsonb_typeof(\(row)errors) = 'array' THEN (SELECT count(*) FROM jsonb_array_elements(\(row)errors) AS e WHERE jsonb_typeof(e) = 'object' AND e->>'exceptionType' IN (\(kinds))) ELSE 0 END)"
    }

    static func waitSeconds(_ row: String) -> String {
        "GREATEST(0, EXTRACT(EPOCH FROM (\(row)started_at - \(row)enqueued_at)))::float8"
    }

    static func runSeconds(_ row: String) -> String {
        "GREATEST(0, EXTRACT(EPOCH FROM (\(row)finished_at - \(row)last_attempted_at)))::float8"
    }

    static let ranStatuses = "('SUCCESSFUL', 'FAILED')"
    static let unfinishedStatuses = "('PENDING', 'RUNNING')"

    /// `(queue_name, task_name, event, bucket, n, s)` for every counter and histogram bucket the rows of `source`
    /// count for, grouped, so that one INSERT never names the same key twice.
    static func facts(from source: String) -> String {
        let wait = waitSeconds("")
        let run = runSeconds("")
        return """
            SELECT queue_name, task_name, event, bucket, sum(n)::bigint AS n, sum(s)::float8 AS s FROM (
                SELECT queue_name, task_name, 'enqueued' AS event, -1 AS bucket, 1::bigint AS n, 0::float8 AS s FROM \(source)
                UNION ALL SELECT queue_name, task_name, status, -1, 1, 0 FROM \(source) WHERE status NOT IN \(unfinishedStatuses)
                UNION ALL SELECT queue_name, task_name, 'retried', -1, \(retried("")), 0 FROM \(source) WHERE errors <> '[]'::jsonb
                UNION ALL SELECT queue_name, task_name, 'recovered', -1, \(recovered("")), 0 FROM \(source) WHERE errors <> '[]'::jsonb
                UNION ALL SELECT queue_name, task_name, 'wait', \(TaskMetricsBuckets.sqlCase(wait)), 1, \(wait) FROM \(source) WHERE started_at IS NOT NULL
                UNION ALL SELECT queue_name, task_name, 'run:' || status, \(TaskMetricsBuckets.sqlCase("COALESCE(\(run), 'Infinity'::float8)")), 1, COALESCE(\(run), 0) FROM \(source) WHERE status IN \(ranStatuses)
            ) AS facts WHERE n > 0 GROUP BY 1, 2, 3, 4
            """
    }

    static func upsert(_ names: PostgresSchemaNames) -> String {
        "ON CONFLICT (queue_name, task_name, event, bucket) DO UPDATE SET count = LEAST(c.count + EXCLUDED.count, 4611686018427387903), sum_seconds = c.sum_seconds + EXCLUDED.sum_seconds"
    }
}
