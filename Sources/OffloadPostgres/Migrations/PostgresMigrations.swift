import Logging
import Offload
import PostgresNIO

/// The versioned schema, recorded in `offload_schema_version`. **Never edit a migration that has shipped**: add one.
///
/// Every process that opens the store runs ``migrate(on:names:logger:)``. The whole run is one transaction
/// that first takes a transaction-scoped advisory lock, so when two hosts start at the same moment one
/// migrates and the other waits, then finds nothing left to do. PostgreSQL's DDL is transactional: a
/// migration that fails leaves no half-made table behind.
enum PostgresMigrations {
    struct Migration: Sendable {
        let version: Int
        let summary: String
        let statements: @Sendable (PostgresSchemaNames) -> [String]
    }

    static let all: [Migration] = [
        Migration(version: 1, summary: "tasks and workers", statements: createTasksAndWorkers),
        Migration(version: 2, summary: "started mark of a claimed task", statements: addAttemptStarted),
        Migration(version: 3, summary: "cancellation", statements: addCancellation),
        Migration(version: 4, summary: "paused queues and concurrency limits", statements: addQueueControl),
        Migration(version: 5, summary: "unique tasks", statements: addUniqueKeys),
        Migration(version: 6, summary: "schedules and their slots", statements: addSchedules),
        Migration(version: 7, summary: "metrics counters", statements: addCounters),
        Migration(version: 8, summary: "trace context", statements: addTraceContext),
    ]

    static var latestVersion: Int { all.map(\.version).max() ?? 0 }

    /// Brings the schema up to date; returns the version it was at before.
    /// - Throws: ``OffloadError/Code/invalidConfiguration`` when the database is at a version newer than this
    ///   code knows (a newer Offload migrated it), or the server's error translated by the caller.
    @discardableResult
    static func migrate(on connection: PostgresConnection, names: PostgresSchemaNames, logger: Logger) async throws -> Int {
        try await PostgresTransaction.run(on: connection, logger: logger) { connection in
            // One lock per schema: apps sharing a database in different schemas do not wait for each other.
            try await connection.perform("SELECT pg_advisory_xact_lock(hashtextextended(\("offload.migrations." + names.schema), 0))", logger: logger)
            // CREATE SCHEMA needs CREATE on the database even with IF NOT EXISTS; skip it when the schema is there.
            let schemaExists = try await connection.query("SELECT count(*) FROM pg_namespace WHERE nspname = \(names.schema)", logger: logger)
                .collect().first?.decode(Int.self) ?? 0
            if schemaExists == 0 {
                try await connection.perform(PostgresQuery(unsafeSQL: "CREATE SCHEMA \"\(names.schema)\""), logger: logger)
            }
            try await connection.perform(PostgresQuery(unsafeSQL: """
                CREATE TABLE IF NOT EXISTS \(names.schemaVersion) (
                    version integer PRIMARY KEY,
                    summary text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """), logger: logger)
            let current = try await connection.query(PostgresQuery(unsafeSQL: "SELECT COALESCE(max(version), 0) FROM \(names.schemaVersion)"), logger: logger)
                .collect().first?.decode(Int.self) ?? 0
            guard current <= latestVersion else {
                throw OffloadError(.invalidConfiguration, "The Offload tables in schema \(names.schema) are at schema version \(current), newer than this build knows (\(latestVersion)): a newer Offload has migrated them. Upgrade this program rather than running an older one against them.")
            }
            for migration in all where migration.version > current {
                for statement in migration.statements(names) {
                    try await connection.perform(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.perform(
                    PostgresQuery(unsafeSQL: "INSERT INTO \(names.schemaVersion) (version, summary) VALUES ($1, $2)", binds: binds(migration.version, migration.summary)),
                    logger: logger)
                logger.info("applied Offload schema migration", metadata: ["version": "\(migration.version)", "summary": "\(migration.summary)", "schema": "\(names.schema)"])
            }
            return current
        }
    }

    private static func binds(_ version: Int, _ summary: String) -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(version)
        bindings.append(summary)
        return bindings
    }

    /// The same shape as the SQLite schema, in PostgreSQL's types: times are `timestamptz` (microseconds),
    /// `worker_ids` a `text[]`, `errors` a `jsonb` array.
    private static func createTasksAndWorkers(_ names: PostgresSchemaNames) -> [String] {
        [
            """
            CREATE TABLE \(names.task) (
                id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                task_name text NOT NULL,
                queue_name text NOT NULL,
                backend text NOT NULL,
                priority integer NOT NULL CHECK (priority BETWEEN -100 AND 100),
                status text NOT NULL CHECK (status IN ('PENDING', 'RUNNING', 'SUCCESSFUL', 'FAILED')),
                arguments text NOT NULL,
                return_value text,
                enqueued_at timestamptz NOT NULL,
                run_after timestamptz NOT NULL,
                started_at timestamptz,
                finished_at timestamptz,
                last_attempted_at timestamptz,
                attempts integer NOT NULL DEFAULT 0,
                max_attempts integer NOT NULL DEFAULT 1,
                backoff_initial_ms bigint NOT NULL DEFAULT 1000,
                backoff_max_ms bigint NOT NULL DEFAULT 300000,
                backoff_jitter double precision NOT NULL DEFAULT 0.2,
                timeout_ms bigint,
                worker_id text,
                worker_ids text[] NOT NULL DEFAULT '{}',
                errors jsonb NOT NULL DEFAULT '[]'
            )
            """,
            // Claiming reads only pending rows: partial indexes stay small however many finished
            // results the table keeps, so a claim costs O(log pending).
            "CREATE INDEX offload_task_ready ON \(names.task) (priority DESC, run_after, id) WHERE status = 'PENDING'",
            "CREATE INDEX offload_task_ready_by_queue ON \(names.task) (queue_name, priority DESC, run_after, id) WHERE status = 'PENDING'",
            "CREATE INDEX offload_task_running ON \(names.task) (worker_id) WHERE status = 'RUNNING'",
            "CREATE INDEX offload_task_finished ON \(names.task) (finished_at) WHERE status IN ('SUCCESSFUL', 'FAILED')",
            """
            CREATE TABLE \(names.worker) (
                id text PRIMARY KEY,
                host text NOT NULL,
                pid integer NOT NULL,
                queues text NOT NULL,
                state text NOT NULL,
                current_task_ids bigint[] NOT NULL DEFAULT '{}',
                tasks_done bigint NOT NULL DEFAULT 0,
                started_at timestamptz NOT NULL,
                heartbeat_at timestamptz NOT NULL,
                supervisor_id text
            )
            """,
        ]
    }

    /// Whether the current attempt of a RUNNING task started: false while it sits claimed but prefetched.
    /// Recovery without a witness (a sweep after a host or supervisor died) puts those back uncounted.
    /// Rows from before this column count as started, as all claimed tasks did then.
    private static func addAttemptStarted(_ names: PostgresSchemaNames) -> [String] {
        ["ALTER TABLE \(names.task) ADD COLUMN attempt_started boolean NOT NULL DEFAULT true"]
    }
}
