extension PostgresMigrations {
    /// v3: the CANCELLED status, and who asked for a cancellation and when.
    ///
    /// PostgreSQL alters the status constraint in place (v1 left it its default name). `cancel_requested_at` is
    /// set when someone cancels a RUNNING task: the worker that runs it notices, and whatever the attempt's
    /// outcome, the task ends CANCELLED. Rows from before have NULL there and in `cancelled_by`, and behave as before.
    static func addCancellation(_ names: PostgresSchemaNames) -> [String] {
        [
            "ALTER TABLE \(names.task) DROP CONSTRAINT offload_task_status_check",
            "ALTER TABLE \(names.task) ADD CONSTRAINT offload_task_status_check CHECK (status IN ('PENDING', 'RUNNING', 'SUCCESSFUL', 'FAILED', 'CANCELLED'))",
            "ALTER TABLE \(names.task) ADD COLUMN cancel_requested_at timestamptz",
            "ALTER TABLE \(names.task) ADD COLUMN cancelled_by text",
            // Pruning CANCELLED rows reads them by finish time, as it reads the other finished rows.
            "CREATE INDEX offload_task_cancelled ON \(names.task) (finished_at) WHERE status = 'CANCELLED'",
        ]
    }
}
