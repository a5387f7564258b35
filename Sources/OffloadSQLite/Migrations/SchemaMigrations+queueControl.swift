import GRDB

extension SchemaMigrations {
    /// Paused queues (who paused them, when) and the concurrency key and limit of a limited task.
    ///
    /// Rows from before this migration have no key: they behave exactly as before. The partial indexes
    /// hold only limited rows, so tasks without a limit neither write nor read them.
    static func addQueueControl(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE offload_paused_queue (
                queue_name TEXT PRIMARY KEY,
                paused_at INTEGER NOT NULL,
                paused_by TEXT NOT NULL
            ) WITHOUT ROWID;
            ALTER TABLE offload_task ADD COLUMN concurrency_key TEXT;
            ALTER TABLE offload_task ADD COLUMN concurrency_limit INTEGER;
            CREATE INDEX offload_task_limited_running ON offload_task (concurrency_key) WHERE status = 'RUNNING' AND concurrency_key IS NOT NULL;
            CREATE INDEX offload_task_limited_pending ON offload_task (queue_name) WHERE status = 'PENDING' AND concurrency_key IS NOT NULL;
            """)
    }
}
