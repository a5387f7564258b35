import GRDB

/// The versioned schema. **Never edit a migration that has shipped**: add a new one.
enum SchemaMigrations {
    /// Brings the schema up to date, also when other processes do the same at the same moment (an app and its
    /// supervisor started together on a new file, or every process of a deploy on an older one).
    ///
    /// GRDB reads which migrations are applied before it takes the write lock, so two openers can both try
    /// the same one; each migration runs in its own transaction, so the loser's attempt rolls back whole. When
    /// an attempt fails and meanwhile someone else applied migrations, it runs the migrator again, which then
    /// skips them; a failure with no such progress is a real one and is thrown.
    static func migrate(_ pool: DatabasePool) throws {
        let migrator = self.migrator
        var attempts = 0
        while true {
            let before = try pool.read { try migrator.appliedIdentifiers($0) }
            do {
                try migrator.migrate(pool)
                return
            } catch {
                attempts += 1
                let after = (try? pool.read { try migrator.appliedIdentifiers($0) }) ?? before
                // Each retry follows another process's progress, so the number of migrations bounds them.
                guard after != before, attempts <= 32 else { throw error }
            }
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: tasks and workers", migrate: createTasksAndWorkers)
        migrator.registerMigration("v2: started mark of a claimed task", migrate: addAttemptStarted)
        migrator.registerMigration("v3: cancellation", migrate: addCancellation)
        migrator.registerMigration("v4: paused queues and concurrency limits", migrate: addQueueControl)
        migrator.registerMigration("v5: unique tasks", migrate: addUniqueKeys)
        migrator.registerMigration("v6: schedules and their slots", migrate: addSchedules)
        migrator.registerMigration("v7: metrics counters", migrate: addCounters)
        migrator.registerMigration("v8: trace context", migrate: addTraceContext)
        return migrator
    }

    /// Times are integer microseconds since 1970 (exact, and cheap to compare in indexes).
    private static func createTasksAndWorkers(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE offload_task (
                id INTEGER PRIMARY KEY,
                task_name TEXT NOT NULL,
                queue_name TEXT NOT NULL,
                backend TEXT NOT NULL,
                priority INTEGER NOT NULL CHECK (priority BETWEEN -100 AND 100),
                status TEXT NOT NULL CHECK (status IN ('PENDING', 'RUNNING', 'SUCCESSFUL', 'FAILED')),
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
                errors TEXT NOT NULL DEFAULT '[]'
            );

            -- Claiming reads only pending rows: partial indexes stay small however many
            -- finished results the table keeps, so a claim costs O(log pending).
            CREATE INDEX offload_task_ready ON offload_task (priority DESC, run_after, id) WHERE status = 'PENDING';
            CREATE INDEX offload_task_ready_by_queue ON offload_task (queue_name, priority DESC, run_after, id) WHERE status = 'PENDING';
            CREATE INDEX offload_task_running ON offload_task (worker_id) WHERE status = 'RUNNING';
            CREATE INDEX offload_task_finished ON offload_task (finished_at) WHERE status IN ('SUCCESSFUL', 'FAILED');

            CREATE TABLE offload_worker (
                id TEXT PRIMARY KEY,
                host TEXT NOT NULL,
                pid INTEGER NOT NULL,
                queues TEXT NOT NULL,
                state TEXT NOT NULL,
                current_task_ids TEXT NOT NULL DEFAULT '[]',
                tasks_done INTEGER NOT NULL DEFAULT 0,
                started_at INTEGER NOT NULL,
                heartbeat_at INTEGER NOT NULL,
                supervisor_id TEXT
            ) WITHOUT ROWID;
            """)
    }

    /// Whether the current attempt of a RUNNING task started: 0 while it sits claimed but prefetched.
    /// Recovery without a witness (a sweep after the supervisor died) puts those back uncounted. Rows from
    /// before this column count as started, as all claimed tasks did then.
    private static func addAttemptStarted(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE offload_task ADD COLUMN attempt_started INTEGER NOT NULL DEFAULT 1")
    }
}
