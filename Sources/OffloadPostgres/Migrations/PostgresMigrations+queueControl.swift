extension PostgresSchemaNames {
    /// The table of paused queues (migration 4).
    var pausedQueue: String { "\"\(schema)\".offload_paused_queue" }
}

extension PostgresMigrations {
    /// Paused queues (who paused them, when) and the concurrency key and limit of a limited task.
    ///
    /// Rows from before this migration have no key: they behave exactly as before. The partial indexes
    /// hold only limited rows, so tasks without a limit neither write nor read them.
    static func addQueueControl(_ names: PostgresSchemaNames) -> [String] {
        [
            """
            CREATE TABLE \(names.pausedQueue) (
                queue_name text PRIMARY KEY,
                paused_at timestamptz NOT NULL,
                paused_by text NOT NULL
            )
            """,
            "ALTER TABLE \(names.task) ADD COLUMN concurrency_key text",
            "ALTER TABLE \(names.task) ADD COLUMN concurrency_limit integer",
            "CREATE INDEX offload_task_limited_running ON \(names.task) (concurrency_key) WHERE status = 'RUNNING' AND concurrency_key IS NOT NULL",
            // A limited task leaving RUNNING frees a slot: idle workers must hear of it, as of an enqueue.
            // The WHEN clause is checked without calling the function: other rows pay only that test.
            """
            CREATE FUNCTION "\(names.schema)".offload_limited_slot_freed() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify('\(names.channel)', '');
                RETURN NULL;
            END
            $$
            """,
            """
            CREATE TRIGGER offload_limited_slot_freed AFTER UPDATE OF status ON \(names.task)
            FOR EACH ROW WHEN (OLD.status = 'RUNNING' AND NEW.status <> 'RUNNING' AND OLD.concurrency_key IS NOT NULL)
            EXECUTE FUNCTION "\(names.schema)".offload_limited_slot_freed()
            """,
            "CREATE INDEX offload_task_limited_pending ON \(names.task) (queue_name, priority DESC, run_after, id) WHERE status = 'PENDING' AND concurrency_key IS NOT NULL",
        ]
    }
}
