import Foundation
import Offload
import OffloadSQLite

/// A fresh task database in the benchmark directory, with Offload's schema.
///
/// The schema is made by opening a real ``SQLiteTaskStore`` (so it runs Offload's migrations): the raw
/// measurements then operate on exactly the tables and indexes Offload uses, and their figures are
/// the ceiling for the same rows, not for a toy table.
struct ScratchDatabase {
    let path: String

    /// Creates `<directory>/<name>.sqlite3`, replacing any leftover from an earlier run.
    init(directory: String, name: String) throws {
        path = directory + "/" + name + ".sqlite3"
        for suffix in ["", "-wal", "-shm"] {
            try? FileManager.default.removeItem(atPath: path + suffix)
        }
        _ = try openStore()
    }

    /// A store on the scratch file. Each call opens its own pool: two calls behave as two processes would.
    func openStore() throws -> SQLiteTaskStore {
        var configuration = SQLiteStoreConfiguration()
        configuration.watchesWAL = false
        return try SQLiteTaskStore(path: path, configuration: configuration)
    }

    func openRaw() throws -> RawConnection {
        try RawConnection(path: path)
    }

    /// Deletes the file once a measurement is done, so the directory never holds gigabytes.
    func remove() {
        for suffix in ["", "-wal", "-shm"] {
            try? FileManager.default.removeItem(atPath: path + suffix)
        }
    }
}

/// The statements Offload's store runs, word for word, for the raw measurements to repeat.
enum OffloadSQL {
    /// `SQLiteTaskStore.insert`: one pending task.
    static let insertPending = """
        INSERT INTO offload_task (task_name, queue_name, backend, priority, status, arguments, enqueued_at, run_after,
                                  max_attempts, backoff_initial_ms, backoff_max_ms, backoff_jitter, timeout_ms)
        VALUES (?, ?, ?, ?, 'PENDING', ?, ?, ?, ?, ?, ?, ?, ?)
        """

    /// `SQLiteTaskStore.claimReady` for one named queue (?1 worker, ?2 now, ?3 queue, ?4 limit).
    static let claim = """
        UPDATE offload_task
        SET status = 'RUNNING', worker_id = ?1, attempts = attempts + 1, last_attempted_at = ?2,
            started_at = COALESCE(started_at, ?2), worker_ids = json_insert(worker_ids, '$[#]', ?1)
        WHERE id IN (
            SELECT id FROM offload_task
            WHERE status = 'PENDING' AND run_after <= ?2 AND queue_name IN (?3)
            ORDER BY priority DESC, run_after, id
            LIMIT ?4)
        RETURNING id, task_name, queue_name, priority, arguments, attempts, max_attempts,
                  backoff_initial_ms, backoff_max_ms, backoff_jitter, timeout_ms, run_after
        """

    /// `SQLiteTaskStore.record` for a success (?1 return value, ?2 finished at, ?3 id, ?4 worker).
    static let complete = """
        UPDATE offload_task SET status = 'SUCCESSFUL', return_value = ?1, finished_at = ?2
        WHERE id = ?3 AND status = 'RUNNING' AND worker_id = ?4
        """

    /// Binds a `benchmark.echo` task like the one the benchmarks enqueue.
    static func bindPending(_ statement: RawStatement, now: Int64) {
        statement.bind(BenchmarkTask.name, at: 1)
        statement.bind(TaskOptions.defaultQueueName, at: 2)
        statement.bind(TaskOptions.defaultBackend, at: 3)
        statement.bind(0, at: 4)
        statement.bind(#"{"value":"x"}"#, at: 5)
        statement.bind(now, at: 6)
        statement.bind(now, at: 7)
        statement.bind(1, at: 8)
        statement.bind(1000, at: 9)
        statement.bind(300_000, at: 10)
        statement.bind(0.2, at: 11)
        statement.bindNull(at: 12)
    }

    /// Inserts `count` finished (SUCCESSFUL) results that finished two days ago, in transactions of
    /// 100,000 rows: the history a long-running deployment keeps until it prunes.
    static func insertFinished(count: Int, into connection: RawConnection) throws {
        let twoDaysAgo = WallClock.micros() - 2 * 86_400 * 1_000_000
        var inserted = 0
        while inserted < count {
            let chunk = min(100_000, count - inserted)
            try connection.execute("""
                BEGIN IMMEDIATE;
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(chunk))
                INSERT INTO offload_task (task_name, queue_name, backend, priority, status, arguments, return_value,
                                          enqueued_at, run_after, started_at, finished_at, last_attempted_at,
                                          attempts, worker_id, worker_ids)
                SELECT '\(BenchmarkTask.name)', 'default', 'default', 0, 'SUCCESSFUL', '{"value":"x"}', '"x"',
                       \(twoDaysAgo) + i, \(twoDaysAgo) + i, \(twoDaysAgo) + i, \(twoDaysAgo) + i + 50, \(twoDaysAgo) + i,
                       1, 'benchmark.history', '["benchmark.history"]'
                FROM n;
                COMMIT;
                """)
            inserted += chunk
        }
        // Start the measurement from a short WAL, as a deployment that has been idle would.
        try connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    }
}

/// Wall-clock time in integer microseconds, the unit Offload stores times in.
enum WallClock {
    static func micros() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1_000
    }
}

/// The task every benchmark enqueues: `benchmark.echo` of `offload-benchmark-worker`, which returns its
/// `value` argument (JSON in, JSON out, no work).
enum BenchmarkTask {
    static let name = "benchmark.echo"
}
