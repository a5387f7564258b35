import Foundation
import GRDB
import Offload

extension SQLiteTaskStore {
    public func enqueueReportingDuplicate(_ request: TaskRequest) async throws -> EnqueueOutcome {
        try await enqueueInGroupCommit(request)
    }

    /// ``enqueue(_:in:)`` that says whether a unique request found its key held (and stored nothing).
    public func enqueueReportingDuplicate(_ request: TaskRequest, in db: Database) throws -> EnqueueOutcome {
        precondition(db.isInsideTransaction, "enqueueReportingDuplicate(_:in:) must run inside the app's write transaction (dbPool.write { db in … }).")
        try fileIdentity?.check(path: path)
        let path = self.path
        db.afterNextTransaction(onCommit: { _ in CommitAnnouncement.announce(databaseAt: path) })
        return try insertReportingDuplicate(request, db: db)
    }

    func insertReportingDuplicate(_ request: TaskRequest, db: Database) throws -> EnqueueOutcome {
        guard request.unique != nil else { return .enqueued(try insert(request, db: db)) }
        try validateForInsert(request)
        return try insertUnique(request, db: db)
    }

    /// Whether the row still holds its key at `?`: its status is one of its unique states and its period has
    /// not ended. Garbage in `unique_states` makes it NULL, which counts as released: it costs the key, not the enqueue.
    static let holdsUniqueKey = "(instr(unique_states, ',' || status || ',') > 0 AND (unique_until IS NULL OR unique_until > ?))"

    /// Inserts unless a row holds the key. Runs inside a write transaction, so nothing can take the key
    /// between the look and the insert; the unique index is the last word all the same.
    func insertUnique(_ request: TaskRequest, db: Database) throws -> EnqueueOutcome {
        guard let unique = request.unique else { return .enqueued(try insert(request, db: db)) }
        let now = Date()
        let runAfter = request.runAfter ?? now
        let insert = try db.cachedStatement(sql: """
            INSERT INTO offload_task (task_name, queue_name, backend, priority, status, arguments, enqueued_at, run_after,
                                      max_attempts, backoff_initial_ms, backoff_max_ms, backoff_jitter, timeout_ms,
                                      trace_context, unique_key, unique_until, unique_states)
            VALUES (?, ?, ?, ?, 'PENDING', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (unique_key) WHERE unique_key IS NOT NULL DO NOTHING
            """)
        let holder = try db.cachedStatement(sql: "SELECT id, COALESCE(\(Self.holdsUniqueKey), 0) FROM offload_task WHERE unique_key = ?")
        let release = try db.cachedStatement(sql: "UPDATE offload_task SET unique_key = NULL WHERE id = ?")
        // Two rounds at most: the first finds a holder that let go and clears its key, the second inserts.
        for _ in 0..<2 {
            try insert.execute(arguments: [
                request.taskName, request.queueName, request.backend, request.priority, request.arguments,
                DatabaseTime.micros(now), DatabaseTime.micros(runAfter),
                request.retry.maxAttempts, request.retry.initialBackoff.milliseconds, request.retry.maximumBackoff.milliseconds,
                request.retry.jitter, request.timeout?.milliseconds,
                request.traceContext, unique.key, unique.until(enqueuedAt: now).map(DatabaseTime.micros), unique.storedStates,
            ])
            if db.changesCount > 0 {
                try storeConcurrency(of: request, id: db.lastInsertedRowID, db: db)
                var record = TaskRecord(id: TaskResultID(db.lastInsertedRowID), request: request, enqueuedAt: now)
                record.runAfter = runAfter
                return .enqueued(record)
            }
            guard let row = try Row.fetchOne(holder, arguments: [DatabaseTime.micros(now), unique.key]) else { continue }
            let id: Int64 = row[0]
            if (row[1] as Int64? ?? 0) != 0 {
                return .duplicate(of: try fetchRecord(id: TaskResultID(id), db: db))
            }
            try release.execute(arguments: [id])
        }
        throw OffloadError(.databaseUnavailable, "The unique key of task \(TerminalSafe.escape(request.taskName)) stayed taken after its holder released it: the database at \(path) did not behave as a single writer.")
    }
}
