import GRDB

extension SchemaMigrations {
    /// v7: the counters table behind the metrics (docs/metrics.md), and the triggers that fill it.
    ///
    /// Counters are derived from the rows at scrape time, so the worker's claim and complete pay nothing. What
    /// would make a derived counter go backwards is caught here instead: a row deleted (a prune, an admin delete)
    /// first folds all it counts for into `offload_counter`; a finished row put back to PENDING or RUNNING (an
    /// admin retry) folds its outcome. Those triggers fire only on those rare writes: a trigger whose `WHEN` is
    /// false costs the drain nothing measurable (docs/metrics.md has the figures). The supervisor adds its own
    /// events to the same table. The SQL comes from ``SQLiteMetricsSQL``, whose buckets must never change once
    /// shipped (a new bucket set needs a new migration).
    static func addCounters(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE offload_counter (
                queue_name TEXT NOT NULL,
                task_name TEXT NOT NULL,
                event TEXT NOT NULL,
                bucket INTEGER NOT NULL,
                count INTEGER NOT NULL DEFAULT 0,
                sum_seconds REAL NOT NULL DEFAULT 0,
                PRIMARY KEY (queue_name, task_name, event, bucket)
            ) WITHOUT ROWID;

            CREATE TRIGGER offload_task_counted_on_delete AFTER DELETE ON offload_task
            BEGIN
            \(SQLiteMetricsSQL.foldWholeRow)
            END;

            CREATE TRIGGER offload_task_counted_on_unfinish AFTER UPDATE OF status ON offload_task
            WHEN OLD.status NOT IN \(SQLiteMetricsSQL.unfinishedStatuses) AND NEW.status IN \(SQLiteMetricsSQL.unfinishedStatuses)
            BEGIN
            \(SQLiteMetricsSQL.foldFinishedOutcome)
            END;
            """)
    }
}
