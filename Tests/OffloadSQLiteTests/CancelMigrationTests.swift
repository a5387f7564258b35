import Foundation
import GRDB
import Offload
import OffloadSQLite
import OffloadTesting
import Testing

@Suite("SQLite schema v3: the table rebuilt for CANCELLED")
struct CancelMigrationTests {
    /// A database as schema v2 left it, made by hand (v1's and v2's statements), with one task in each status.
    func versionTwoDatabase() throws -> (directory: TemporaryDirectory, path: String) {
        let directory = TemporaryDirectory("offload-v2")
        let path = directory.file("tasks.sqlite3")
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: """
                CREATE TABLE offload_task (
                    id INTEGER PRIMARY KEY, task_name TEXT NOT NULL, queue_name TEXT NOT NULL, backend TEXT NOT NULL,
                    priority INTEGER NOT NULL CHECK (priority BETWEEN -100 AND 100),
                    status TEXT NOT NULL CHECK (status IN ('PENDING', 'RUNNING', 'SUCCESSFUL', 'FAILED')),
                    arguments TEXT NOT NULL, return_value TEXT, enqueued_at INTEGER NOT NULL, run_after INTEGER NOT NULL,
                    started_at INTEGER, finished_at INTEGER, last_attempted_at INTEGER, attempts INTEGER NOT NULL DEFAULT 0,
                    max_attempts INTEGER NOT NULL DEFAULT 1, backoff_initial_ms INTEGER NOT NULL DEFAULT 1000,
                    backoff_max_ms INTEGER NOT NULL DEFAULT 300000, backoff_jitter REAL NOT NULL DEFAULT 0.2, timeout_ms INTEGER,
                    worker_id TEXT, worker_ids TEXT NOT NULL DEFAULT '[]', errors TEXT NOT NULL DEFAULT '[]');
                CREATE INDEX offload_task_ready ON offload_task (priority DESC, run_after, id) WHERE status = 'PENDING';
                CREATE INDEX offload_task_ready_by_queue ON offload_task (queue_name, priority DESC, run_after, id) WHERE status = 'PENDING';
                CREATE INDEX offload_task_running ON offload_task (worker_id) WHERE status = 'RUNNING';
                CREATE INDEX offload_task_finished ON offload_task (finished_at) WHERE status IN ('SUCCESSFUL', 'FAILED');
                CREATE TABLE offload_worker (
                    id TEXT PRIMARY KEY, host TEXT NOT NULL, pid INTEGER NOT NULL, queues TEXT NOT NULL, state TEXT NOT NULL,
                    current_task_ids TEXT NOT NULL DEFAULT '[]', tasks_done INTEGER NOT NULL DEFAULT 0, started_at INTEGER NOT NULL,
                    heartbeat_at INTEGER NOT NULL, supervisor_id TEXT) WITHOUT ROWID;
                ALTER TABLE offload_task ADD COLUMN attempt_started INTEGER NOT NULL DEFAULT 1;
                CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
                INSERT INTO grdb_migrations VALUES ('v1: tasks and workers'), ('v2: started mark of a claimed task');
                INSERT INTO offload_task (id, task_name, queue_name, backend, priority, status, arguments, return_value, enqueued_at, run_after, finished_at, attempts, worker_id, errors, attempt_started) VALUES
                    (7, 'a', 'default', 'default', 5, 'PENDING', '{"x":1}', NULL, 1000, 2000, NULL, 0, NULL, '[]', 1),
                    (8, 'b', 'email', 'default', 0, 'RUNNING', '{}', NULL, 1000, 1000, NULL, 1, 'w1', '[]', 0),
                    (9, 'c', 'default', 'default', 0, 'SUCCESSFUL', '{}', '"done"', 1000, 1000, 3000, 1, 'w1', '[]', 1),
                    (10, 'd', 'default', 'default', 0, 'FAILED', '{}', NULL, 1000, 1000, 3000, 1, 'w1', 'garbage', 1);
                """)
        }
        try queue.close()
        chmod(path, 0o600)
        return (directory, path)
    }

    @Test("migrating a v2 database keeps every row and column, recreates every index, and accepts CANCELLED")
    func upgradeKeepsEverything() async throws {
        let (directory, path) = try versionTwoDatabase()
        let store = try SQLiteTaskStore(path: path)
        let records = try await store.records(matching: TaskFilter())
        #expect(records.map(\.id.rawValue) == [10, 9, 8, 7])
        #expect(records.map(\.status) == [.failed, .successful, .running, .pending])
        #expect(records.allSatisfy { $0.cancelRequestedAt == nil && $0.cancelledBy == nil })
        #expect(records.first { $0.id.rawValue == 7 }?.arguments == #"{"x":1}"#)
        #expect(records.first { $0.id.rawValue == 9 }?.returnValue == #""done""#)
        #expect(records.first { $0.id.rawValue == 10 }?.unreadableColumns.map(\.column) == ["errors"], "garbage is carried over as it was")

        let schema = try await store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT name, sql FROM sqlite_master WHERE tbl_name = 'offload_task' AND type = 'index' AND sql IS NOT NULL ORDER BY name")
                .map { "\($0[0] as String): \($0[1] as String)" }
        }
        // Later migrations add indexes of their own; these are the ones v3 must leave exactly as v1 and v2 made them.
        let recreated: Set<String> = [
            "offload_task_cancelled: CREATE INDEX offload_task_cancelled ON offload_task (finished_at) WHERE status = 'CANCELLED'",
            "offload_task_finished: CREATE INDEX offload_task_finished ON offload_task (finished_at) WHERE status IN ('SUCCESSFUL', 'FAILED')",
            "offload_task_ready: CREATE INDEX offload_task_ready ON offload_task (priority DESC, run_after, id) WHERE status = 'PENDING'",
            "offload_task_ready_by_queue: CREATE INDEX offload_task_ready_by_queue ON offload_task (queue_name, priority DESC, run_after, id) WHERE status = 'PENDING'",
            "offload_task_running: CREATE INDEX offload_task_running ON offload_task (worker_id) WHERE status = 'RUNNING'",
        ]
        #expect(recreated.subtracting(schema).isEmpty, "missing or changed: \(recreated.subtracting(schema).sorted())")
        let attemptStarted = try await store.pool.read { db in try Int.fetchAll(db, sql: "SELECT attempt_started FROM offload_task ORDER BY id") }
        #expect(attemptStarted == [1, 0, 1, 1])

        let results = try await store.cancel([TaskResultID(7), TaskResultID(8)], by: "ops", at: Date())
        #expect(results.map(\.effect) == [.cancelled, .requested])
        #expect(try await store.record(id: TaskResultID(7)).status == .cancelled)
        #expect(try await store.cancelRequests(ofWorker: "w1") == [TaskResultID(8)])
        // A new id never reuses one the old table gave out while its rows exist.
        let next = try await store.enqueue(TaskRequest(taskName: "e"))
        #expect(next.id.rawValue == 11)
        withExtendedLifetime(directory) {}
    }
}
