import Foundation
import Logging
import Offload
import PostgresNIO

extension PostgresTaskStore {
    public func pauseQueue(_ queue: String, by pausedBy: String, at now: Date) async throws -> Bool {
        try await withConnection { [self] connection in
            let rows = try await connection.query(PostgresQuery(unsafeSQL: """
                INSERT INTO \(names.pausedQueue) (queue_name, paused_at, paused_by) VALUES ($1, $2, $3)
                ON CONFLICT (queue_name) DO NOTHING RETURNING queue_name
                """, binds: bindings(queue, now, pausedBy)), logger: logger).collect()
            return !rows.isEmpty
        }
    }

    /// Deletes the pause and notifies in the same transaction: idle workers claim at once.
    public func resumeQueue(_ queue: String) async throws -> Bool {
        try await inTransaction { [self] connection in
            let rows = try await connection.query(PostgresQuery(unsafeSQL: "DELETE FROM \(names.pausedQueue) WHERE queue_name = $1 RETURNING queue_name", binds: bindings(queue)), logger: logger).collect()
            try await notify(on: connection)
            return !rows.isEmpty
        }
    }

    public func pausedQueues() async throws -> [PausedQueue] {
        try await withConnection { [self] connection in
            let rows = try await connection.query(PostgresQuery(unsafeSQL: "SELECT queue_name, paused_at, paused_by FROM \(names.pausedQueue) ORDER BY queue_name"), logger: logger).collect()
            return try rows.map { row in
                let (queue, pausedAt, pausedBy) = try row.decode((String, Date, String).self)
                return PausedQueue(queueName: queue, pausedAt: pausedAt, pausedBy: pausedBy)
            }
        }
    }

    /// The filter every claim carries: nothing from a paused queue (a primary key, so never NULL for NOT IN).
    var notPaused: String { "queue_name NOT IN (SELECT queue_name FROM \(names.pausedQueue))" }

    /// A pending row a claim may take now as far as limits go: no limit, garbage (to be failed), or a free slot.
    var underLimit: String {
        "(concurrency_key IS NULL OR \(Self.badLimit) OR (SELECT count(*) FROM \(names.task) AS running WHERE running.status = 'RUNNING' AND running.concurrency_key = \(names.task).concurrency_key) < concurrency_limit)"
    }

    /// Concurrency columns holding what Offload never writes: such a row is claimed and failed alone.
    static let badLimit = "(concurrency_key = '' OR concurrency_limit IS NULL OR concurrency_limit NOT BETWEEN 1 AND \(ConcurrencyLimit.maximumLimit))"

    /// Claims ready tasks that have a concurrency limit, up to `limit`, all to start at once (never prefetched).
    ///
    /// The plain claim leaves limited rows alone; this runs only when it did not fill the worker's free slots
    /// and a limited task is ready. Claimers on other connections and hosts run at the same time, and under
    /// READ COMMITTED each would count the RUNNING rows of a key without seeing the others' uncommitted
    /// claims. So the transaction first takes a transaction-level advisory lock per key it may claim (in
    /// hash order, so two claimers never wait on each other in a cycle), then counts and claims in a new
    /// statement, whose snapshot sees every claim committed by whoever held the lock before. Completions need
    /// no lock: they only free slots. Keys hashing alike share a lock: that serialises more, never less.
    func claimLimited(_ claim: ClaimRequest, limit: Int) async throws -> [ClaimedTask] {
        guard limit > 0 else { return [] }
        var queueFilter = ""
        var parameters = bindings(claim.now)
        if case .named(let queues) = claim.queues {
            parameters.append(queues)
            queueFilter = "AND queue_name = ANY($2::text[])"
        }
        let base = parameters
        let ready = "status = 'PENDING' AND concurrency_key IS NOT NULL AND (run_after <= $1 OR run_after = 'infinity') \(queueFilter) AND \(notPaused)"
        let anyReady = try await withConnection { [self] connection in
            try await connection.query(PostgresQuery(unsafeSQL: "SELECT EXISTS (SELECT 1 FROM \(names.task) WHERE \(ready))", binds: base), logger: logger)
                .collect().first?.decode(Bool.self) ?? false
        }
        guard anyReady else { return [] }
        return try await inTransaction { [self] connection in
            // The locks' first key is the schema's, so apps sharing a database in other schemas never wait on these.
            var lockBinds = base
            lockBinds.append("offload.concurrency." + names.schema)
            let locked = try await connection.query(PostgresQuery(unsafeSQL: """
                SELECT key_hash, pg_advisory_xact_lock(hashtext($\(lockBinds.count)), key_hash)::text FROM (
                    SELECT DISTINCT hashtext(concurrency_key) AS key_hash FROM \(names.task) WHERE \(ready) ORDER BY key_hash) AS keys
                """, binds: lockBinds), logger: logger).collect().map { try $0.decode((Int32, String?).self).0 }
            guard !locked.isEmpty else { return [] }
            var binds = base
            binds.append(locked)
            let lockedParameter = "$\(binds.count)"
            binds.append(claim.workerID)
            let worker = "$\(binds.count)"
            binds.append(limit)
            let limitParameter = "$\(binds.count)"
            let rows = try await connection.query(PostgresQuery(unsafeSQL: """
                WITH candidates AS (
                    SELECT id, concurrency_key, concurrency_limit,
                           row_number() OVER (PARTITION BY concurrency_key ORDER BY priority DESC, run_after, id) AS key_rank
                    FROM \(names.task) WHERE \(ready) AND hashtext(concurrency_key) = ANY(\(lockedParameter)::integer[])),
                eligible AS (
                    SELECT id FROM candidates
                    WHERE \(Self.badLimit) OR key_rank + (SELECT count(*) FROM \(names.task) AS running
                                                         WHERE running.status = 'RUNNING' AND running.concurrency_key = candidates.concurrency_key) <= concurrency_limit),
                picked AS (
                    SELECT id FROM \(names.task) WHERE id IN (SELECT id FROM eligible) AND status = 'PENDING'
                    ORDER BY priority DESC, run_after, id
                    LIMIT \(limitParameter)
                    FOR UPDATE SKIP LOCKED)
                UPDATE \(names.task) AS task
                SET status = 'RUNNING', worker_id = \(worker), last_attempted_at = $1,
                    attempts = CASE WHEN task.attempts < 2147483647 THEN task.attempts + 1 ELSE task.attempts END,
                    started_at = COALESCE(task.started_at, $1), worker_ids = array_append(task.worker_ids, \(worker)::text),
                    attempt_started = true
                FROM picked WHERE task.id = picked.id
                RETURNING task.id, task.task_name, task.queue_name, task.priority, task.arguments, task.attempts, task.max_attempts,
                          task.backoff_initial_ms, task.backoff_max_ms, task.backoff_jitter, task.timeout_ms, task.run_after,
                          jsonb_typeof(task.errors) = 'array', array_position(task.worker_ids, NULL) IS NULL,
                          task.trace_context,
                          \(Self.badLimit.replacingOccurrences(of: "concurrency_", with: "task.concurrency_"))
                """, binds: binds), logger: logger).collect()
            return try await claimedRows(rows, claim: claim, on: connection) { columns in
                try columns[15].decode(Bool?.self) == true
                    ? StoredValueProblem(column: "concurrency_limit", reason: "concurrency_key must be a non-empty text and concurrency_limit a whole number from 1 to \(ConcurrencyLimit.maximumLimit)")
                    : nil
            }
        }
    }
}
