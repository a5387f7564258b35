import Foundation
import GRDB
import Offload

extension SQLiteTaskStore {
    public func pauseQueue(_ queue: String, by pausedBy: String, at now: Date) async throws -> Bool {
        // Durable like an enqueue: `offload pause` returning means the pause survives a power cut.
        try writeTransaction(acknowledgingEnqueue: true) { db in
            try db.execute(
                sql: "INSERT INTO offload_paused_queue (queue_name, paused_at, paused_by) VALUES (?, ?, ?) ON CONFLICT (queue_name) DO NOTHING",
                arguments: [queue, DatabaseTime.micros(now), pausedBy])
            return db.changesCount > 0
        }
    }

    public func resumeQueue(_ queue: String) async throws -> Bool {
        defer { CommitAnnouncement.announce(databaseAt: path) }   // idle workers claim at once
        return try writeTransaction(acknowledgingEnqueue: true) { db in
            try db.execute(sql: "DELETE FROM offload_paused_queue WHERE queue_name = ?", arguments: [queue])
            return db.changesCount > 0
        }
    }

    public func pausedQueues() async throws -> [PausedQueue] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT queue_name, paused_at, paused_by FROM offload_paused_queue ORDER BY queue_name").map { row in
                // A hand-edited value shows as a placeholder rather than hiding the pause or failing the read.
                PausedQueue(queueName: String.fromDatabaseValue(row[0]) ?? "?",
                            pausedAt: DatabaseTime.date(Int64.fromDatabaseValue(row[1]) ?? 0),
                            pausedBy: String.fromDatabaseValue(row[2]) ?? "?")
            }
        }
    }

    /// Read on the writer connection, outside a transaction, with a statement prepared once: no reader to
    /// take from the pool, no parsing, no thread hop, and each read sees the latest commit. A pool read here
    /// (and its statement parsed each time) halved the drain of two workers, since a draining worker asks
    /// before every prefetched task it starts (docs/performance.md, "What the features and the console cost").
    public func pausedQueueNames() async throws -> Set<String> {
        try readPausedQueueNames()
    }

    private func readPausedQueueNames() throws -> Set<String> {
        do {
            return try pool.writeWithoutTransaction { db in
                // A NULL written by hand names no queue: it must not fail the read, and so every start.
                Set(try Optional<String>.fetchAll(db.cachedStatement(sql: "SELECT CAST(queue_name AS TEXT) FROM offload_paused_queue")).compactMap { $0 })
            }
        } catch {
            throw SQLiteErrorTranslation.translate(error, path: path)
        }
    }

    /// The filter every claim carries: nothing from a paused queue. The table is tiny (one row per paused
    /// queue, usually none), and SQLite evaluates this uncorrelated subquery once per statement.
    static let notPaused = "queue_name NOT IN (SELECT queue_name FROM offload_paused_queue)"
}

// MARK: concurrency limits
extension SQLiteTaskStore {
    /// A row whose concurrency columns hold what Offload never writes: it is claimed and failed alone.
    private static let badLimit = """
        (typeof(concurrency_key) != 'text' OR concurrency_key = '' OR typeof(concurrency_limit) != 'integer' \
        OR concurrency_limit NOT BETWEEN 1 AND \(ConcurrencyLimit.maximumLimit))
        """

    /// Why a claimed row's concurrency columns are garbage, or NULL; the limit-aware claim returns it last.
    static let concurrencyProblem = """
        CASE WHEN concurrency_key IS NOT NULL AND \(badLimit) \
        THEN 'concurrency_key must be a non-empty text and concurrency_limit a whole number from 1 to \(ConcurrencyLimit.maximumLimit)' END
        """

    /// How many tasks with the row's key are RUNNING (prefetched ones too, though limited tasks are never prefetched).
    private static func runningWithKey(of table: String) -> String {
        "(SELECT count(*) FROM offload_task AS running WHERE running.status = 'RUNNING' AND running.concurrency_key = \(table).concurrency_key)"
    }

    /// A pending row a claim may take now as far as limits go: no limit, garbage (to be failed), or a free slot.
    static let underLimit = "(concurrency_key IS NULL OR \(badLimit) OR \(runningWithKey(of: "offload_task")) < concurrency_limit)"

    /// The ids a claim may take when limited tasks are ready, in claim order (the caller adds `LIMIT ?`).
    ///
    /// SQLite has one writer, so the count of RUNNING rows per key is exact inside the claim's transaction;
    /// the per-key rank keeps one batch from taking more of a key than its free slots. Ranking reads every
    /// ready row of the queues: that cost is paid only while a limited task is ready.
    /// Binds the same parameters as the plain candidates: `now`, then the queue names.
    static func limitedCandidates(queueFilter: String) -> String {
        """
        SELECT id FROM (
            SELECT id, priority, run_after, concurrency_key, concurrency_limit,
                   row_number() OVER (PARTITION BY concurrency_key ORDER BY priority DESC, run_after, id) AS key_rank
            FROM offload_task
            WHERE status = 'PENDING' AND (run_after <= ? OR typeof(run_after) != 'integer') \(queueFilter) AND \(notPaused)
        ) AS candidate
        WHERE concurrency_key IS NULL OR \(badLimit) OR key_rank + \(runningWithKey(of: "candidate")) <= concurrency_limit
        ORDER BY priority DESC, run_after, id
        """
    }

    /// Whether a task with a concurrency limit is ready in the claim's queues (through a partial index of limited rows).
    func hasLimitedReady(_ claim: ClaimRequest, db: Database) throws -> Bool {
        let sql = "SELECT EXISTS (SELECT 1 FROM offload_task WHERE status = 'PENDING' AND concurrency_key IS NOT NULL AND (run_after <= ? OR typeof(run_after) != 'integer')"
        var arguments: StatementArguments = [DatabaseTime.micros(claim.now)]
        let statement: Statement
        switch claim.queues {
        case .all:
            statement = try db.cachedStatement(sql: sql + ")")
        case .named(let names):
            statement = try db.cachedStatement(sql: sql + " AND queue_name IN (\(Array(repeating: "?", count: names.count).joined(separator: ", "))))")
            arguments += StatementArguments(names)
        }
        return try Bool.fetchOne(statement, arguments: arguments) ?? false
    }

    /// Stores a limited task's key and limit, in the transaction of its insert (before any claim can see the row).
    func storeConcurrency(of request: TaskRequest, id: Int64, db: Database) throws {
        guard let concurrency = request.concurrency else { return }
        let statement = try db.cachedStatement(sql: "UPDATE offload_task SET concurrency_key = ?, concurrency_limit = ? WHERE id = ?")
        try statement.execute(arguments: [concurrency.key, concurrency.limit, id])
    }
}
