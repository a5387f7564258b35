import Foundation
import Offload
import PostgresNIO

extension PostgresTaskStore {
    public func enqueueReportingDuplicate(_ request: TaskRequest) async throws -> EnqueueOutcome {
        try await withConnection { [self] connection in try await insertReportingDuplicate(request, on: connection) }
    }

    /// ``enqueue(_:on:)`` that says whether a unique request found its key held (and stored nothing).
    public func enqueueReportingDuplicate(_ request: TaskRequest, on connection: PostgresConnection) async throws -> EnqueueOutcome {
        do {
            return try await insertReportingDuplicate(request, on: connection)
        } catch {
            throw errors.translate(error)
        }
    }

    func insertReportingDuplicate(_ request: TaskRequest, on connection: PostgresConnection) async throws -> EnqueueOutcome {
        guard request.unique != nil else { return .enqueued(try await insert(request, on: connection)) }
        return try await insertUnique(request, on: connection)
    }

    /// Whether the row still holds its key at `now` (the parameter named): its status is one of its unique
    /// states and its period has not ended. Garbage in `unique_states` counts as released.
    static func holdsUniqueKey(now parameter: String) -> String {
        "COALESCE(strpos(unique_states, ',' || status || ',') > 0 AND (unique_until IS NULL OR unique_until > \(parameter)), false)"
    }

    /// Inserts unless a row holds the key, with `ON CONFLICT DO NOTHING` on the partial unique index: when
    /// two sessions insert the same key at once, the second waits for the first to commit and then stores
    /// nothing. A holder that let go (finished, or past its period) has its key cleared and taken over.
    func insertUnique(_ request: TaskRequest, on connection: PostgresConnection) async throws -> EnqueueOutcome {
        guard let unique = request.unique else { return .enqueued(try await insert(request, on: connection)) }
        try request.validate()
        try checkSize(of: request)
        let now = Date()
        let runAfter = request.runAfter ?? now
        // Each round either stores, finds a holder, or clears a released holder; another session can win the
        // race for a released key each time, and then the next round finds it holding.
        for _ in 0..<5 {
            var binds = insertBindings(request, now: now, runAfter: runAfter, capacity: 19)
            binds.append(unique.key)
            binds.append(unique.until(enqueuedAt: now))
            binds.append(unique.storedStates)
            let inserted = try await connection.query(PostgresQuery(unsafeSQL: """
                WITH inserted AS (
                    INSERT INTO \(names.task) (task_name, queue_name, backend, priority, status, arguments, enqueued_at, run_after,
                                               max_attempts, backoff_initial_ms, backoff_max_ms, backoff_jitter, timeout_ms,
                                               concurrency_key, concurrency_limit, trace_context,
                                               unique_key, unique_until, unique_states)
                    VALUES ($1, $2, $3, $4, 'PENDING', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $16, $17, $18, $19)
                    ON CONFLICT (unique_key) WHERE unique_key IS NOT NULL DO NOTHING
                    RETURNING id)
                SELECT id, pg_notify($15, '')::text FROM inserted
                """, binds: binds), logger: logger).collect()
            if let id = try inserted.first?.decode(Int64.self) {
                var record = TaskRecord(id: TaskResultID(id), request: request, enqueuedAt: now)
                record.runAfter = runAfter
                return .enqueued(record)
            }
            let holders = try await connection.query(PostgresQuery(unsafeSQL: """
                SELECT id, \(Self.holdsUniqueKey(now: "$2")) FROM \(names.task) WHERE unique_key = $1
                """, binds: bindings(unique.key, now)), logger: logger).collect()
            guard let holder = holders.first else { continue }
            let (id, holds) = try holder.decode((Int64, Bool).self)
            if holds {
                return .duplicate(of: try await fetchRecord(id: TaskResultID(id), on: connection))
            }
            try await connection.perform(PostgresQuery(unsafeSQL: """
                UPDATE \(names.task) SET unique_key = NULL WHERE id = $1 AND unique_key = $2
                """, binds: bindings(id, unique.key)), logger: logger)
        }
        throw OffloadError(.databaseBusy, "The unique key of task \(TerminalSafe.escape(request.taskName)) changed hands five times while enqueueing it: too many concurrent enqueues of the same key; try again.")
    }
}
