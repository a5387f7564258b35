extension PostgresMigrations {
    /// Unique tasks, as in the SQLite schema: the key a task holds, until when, and in which statuses
    /// (`,PENDING,RUNNING,`). The partial unique index lets at most one row carry a key; a row that no
    /// longer holds it keeps it until the next enqueue with that key clears it and takes it over.
    static func addUniqueKeys(_ names: PostgresSchemaNames) -> [String] {
        [
            "ALTER TABLE \(names.task) ADD COLUMN unique_key text",
            "ALTER TABLE \(names.task) ADD COLUMN unique_until timestamptz",
            "ALTER TABLE \(names.task) ADD COLUMN unique_states text",
            "CREATE UNIQUE INDEX offload_task_unique_key ON \(names.task) (unique_key) WHERE unique_key IS NOT NULL",
        ]
    }
}
