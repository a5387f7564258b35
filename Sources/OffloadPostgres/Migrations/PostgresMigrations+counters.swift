import Offload

extension PostgresMigrations {
    /// v7: the counters table behind the metrics (docs/metrics.md), and the triggers that fill it.
    ///
    /// Counters are derived from the rows at scrape time, so claim and complete pay nothing. A DELETE (a prune
    /// chunk, an admin delete) first folds all its rows count for into `offload_counter`, once per statement
    /// through a transition table; a finished row put back to PENDING or RUNNING (an admin retry) folds its
    /// outcome, through a row trigger whose `WHEN` is false on every other update. The bucket bounds must never
    /// change once shipped (a new set needs a new migration).
    static func addCounters(_ names: PostgresSchemaNames) -> [String] {
        let run = PostgresMetricsSQL.runSeconds("OLD.")
        return [
            """
            CREATE TABLE \(names.counter) (
                queue_name text NOT NULL,
                task_name text NOT NULL,
                event text NOT NULL,
                bucket integer NOT NULL,
                count bigint NOT NULL DEFAULT 0,
                sum_seconds double precision NOT NULL DEFAULT 0,
                PRIMARY KEY (queue_name, task_name, event, bucket)
            )
            """,
            """
            CREATE FUNCTION \(names.foldDeletedFunction)() RETURNS trigger LANGUAGE plpgsql AS $fold$
            BEGIN
                INSERT INTO \(names.counter) AS c (queue_name, task_name, event, bucket, count, sum_seconds)
                \(PostgresMetricsSQL.facts(from: "gone"))
                \(PostgresMetricsSQL.upsert(names));
                RETURN NULL;
            END
            $fold$
            """,
            """
            CREATE TRIGGER offload_task_counted_on_delete AFTER DELETE ON \(names.task)
            REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE PROCEDURE \(names.foldDeletedFunction)()
            """,
            """
            CREATE FUNCTION \(names.foldUnfinishedFunction)() RETURNS trigger LANGUAGE plpgsql AS $fold$
            BEGIN
                INSERT INTO \(names.counter) AS c (queue_name, task_name, event, bucket, count, sum_seconds)
                VALUES (OLD.queue_name, OLD.task_name, OLD.status, -1, 1, 0)
                \(PostgresMetricsSQL.upsert(names));
                IF OLD.status IN \(PostgresMetricsSQL.ranStatuses) THEN
                    INSERT INTO \(names.counter) AS c (queue_name, task_name, event, bucket, count, sum_seconds)
                    VALUES (OLD.queue_name, OLD.task_name, 'run:' || OLD.status,
                            \(TaskMetricsBuckets.sqlCase("COALESCE(\(run), 'Infinity'::float8)")), 1, COALESCE(\(run), 0))
                    \(PostgresMetricsSQL.upsert(names));
                END IF;
                RETURN NULL;
            END
            $fold$
            """,
            """
            CREATE TRIGGER offload_task_counted_on_unfinish AFTER UPDATE OF status ON \(names.task) FOR EACH ROW
            WHEN (OLD.status NOT IN \(PostgresMetricsSQL.unfinishedStatuses) AND NEW.status IN \(PostgresMetricsSQL.unfinishedStatuses))
            EXECUTE PROCEDURE \(names.foldUnfinishedFunction)()
            """,
        ]
    }
}
