import GRDB

extension SchemaMigrations {
    /// v3: the CANCELLED status, and who asked for a cancellation and when.
    ///
    /// SQLite cannot alter a CHECK constraint, so this follows its documented procedure for other kinds of table
    /// change (https://www.sqlite.org/lang_altertable.html#otheralter), inside the migration's transaction: create
    /// the new table, copy every row, drop the old one, rename the new one, and recreate every index of v1 and v2
    /// exactly. No foreign key, view or trigger refers to `offload_task`, so steps 1, 2, 10 and 11 have nothing to do.
    ///
    /// `cancel_requested_at` (microseconds, like every time) is set when someone cancels a RUNNING task: the worker
    /// that runs it notices, and whatever the attempt's outcome, the task ends CANCELLED. Rows from before have
    /// NULL there and in `cancelled_by`, and behave exactly as before.
    static func addCancellation(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE offload_task_v3 (
                id INTEGER PRIMARY KEY,
                task_name TEXT NOT NULL,
                queue_name TEXT NOT NULL,
                backend TEXT NOT NULL,
                priority INTEGER NOT NULL CHECK (priority BETWEEN -100 AND 100),
                status TEXT NOT NULL CHECK (status IN ('PENDING', 'RUNNING', 'SUCCESSFUL', 'FAILED', 'CANCELLED')),
                arguments TEXT NOT NULL,
                return_value TEXT,
                enqueued_at INTEGER NOT NULL,
                run_after INTEGER NOT NULL,
                started_at INTEGER,
                finished_at INTEGER,
                last_attempted_at INTEGER,
                attempts INTEGER NOT NULL DEFAULT 0,
                max_attempts INTEGER NOT NULL DEFAULT 1,
                backoff_initial_ms INTEGER NOT NULL DEFAULT 1000,
                backoff_max_ms INTEGER NOT NULL DEFAULT 300000,
                backoff_jitter REAL NOT NULL DEFAULT 0.2,
                timeout_ms INTEGER,
                worker_id TEXT,
                worker_ids TEXT NOT NULL DEFAULT '[]',
                errors TEXT NOT NULL DEFAULT '[]',
                attempt_started INTEGER NOT NULL DEFAULT 1,
                cancel_requested_at INTEGER,
                cancelled_by TEXT
            );

            INSERT INTO offload_task_v3 (
                id, task_name, queue_name, backend, priority, status, arguments, return_value, enqueued_at, run_after,
                started_at, finished_at, last_attempted_at, attempts, max_attempts, backoff_initial_ms, backoff_max_ms,
                backoff_jitter, timeout_ms, worker_id, worker_ids, errors, attempt_started)
            SELECT
                id, task_name, queue_name, backend, priority, status, arguments, return_value, enqueued_at, run_after,
                started_at, finished_at, last_attempted_at, attempts, max_attempts, backoff_initial_ms, backoff_max_ms,
                backoff_jitter, timeout_ms, worker_id, worker_ids, errors, attempt_started
            FROM offload_task;

            DROP TABLE offload_task;
            ALTER TABLE offload_task_v3 RENAME TO offload_task;

            CREATE INDEX offload_task_ready ON offload_task (priority DESC, run_after, id) WHERE status = 'PENDING';
            CREATE INDEX offload_task_ready_by_queue ON offload_task (queue_name, priority DESC, run_after, id) WHERE status = 'PENDING';
            CREATE INDEX offload_task_running ON offload_task (worker_id) WHERE status = 'RUNNING';
            CREATE INDEX offload_task_finished ON offload_task (finished_at) WHERE status IN ('SUCCESSFUL', 'FAILED');
            -- Pruning CANCELLED rows reads them by finish time, as it reads the other finished rows.
            CREATE INDEX offload_task_cancelled ON offload_task (finished_at) WHERE status = 'CANCELLED';
            """)
    }
}
