import GRDB

extension SchemaMigrations {
    /// Unique tasks: the key a task holds, until when, and in which statuses (`,PENDING,RUNNING,`).
    ///
    /// The partial unique index lets at most one row carry a key. A row that no longer holds its key (its
    /// status left `unique_states`, or `unique_until` passed) keeps it until the next enqueue with that key
    /// clears it and takes it over, in the same write transaction. Rows from before this migration, and plain
    /// tasks, have no key and never touch the index.
    static func addUniqueKeys(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE offload_task ADD COLUMN unique_key TEXT;
            ALTER TABLE offload_task ADD COLUMN unique_until INTEGER;
            ALTER TABLE offload_task ADD COLUMN unique_states TEXT;
            CREATE UNIQUE INDEX offload_task_unique_key ON offload_task (unique_key) WHERE unique_key IS NOT NULL;
            """)
    }
}
