import Foundation
import Logging
import Offload
import PostgresNIO

extension PostgresTaskStore {
    public func enqueue(_ request: TaskRequest) async throws -> TaskRecord {
        // One statement is its own transaction: the row and its NOTIFY commit together.
        try await withConnection { [self] connection in try await insert(request, on: connection) }
    }


    /// Enqueues on the app's own connection, inside the transaction it has open: the task exists only
    /// if that transaction commits, and workers are notified only then.
    ///
    /// ```swift
    /// try await client.withTransaction(logger: logger) { connection in
    ///     try await connection.query("INSERT INTO app_order (id, total) VALUES (\(orderID), 42)", logger: logger)
    ///     try await store.enqueue(TaskRequest(SendOrderConfirmation.self, arguments: .init(orderID: orderID)), on: connection)
    /// }   // a rollback here removes the order and the task together
    /// ```
    /// The connection may belong to any client or pool connected to the same database; table names are
    /// qualified with the store's schema, so its `search_path` does not matter. Outside a transaction
    /// the enqueue simply commits at once.
    /// - Throws: ``OffloadError`` (`argumentsTooLarge`, or the server's error translated); the caller's
    ///   transaction is then aborted and must be rolled back.
    public func enqueue(_ request: TaskRequest, on connection: PostgresConnection) async throws -> TaskRecord {
        do {
            return try await insert(request, on: connection)
        } catch {
            throw errors.translate(error)
        }
    }

    /// Runs `body` in one transaction on a pooled connection, for apps without a client of their own:
    /// queries and ``enqueue(_:on:)`` inside it commit together, or roll back together if it throws.
    public func withTransaction<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        do {
            return try await client.withConnection { [self] connection in
                try await PostgresTransaction.run(on: connection, logger: logger, body)
            }
        } catch {
            throw errors.translate(error)
        }
    }

    func checkSize(of request: TaskRequest) throws(OffloadError) {
        let size = request.arguments.utf8.count
        guard size <= configuration.maximumArgumentsSize else {
            throw OffloadError.argumentsTooLarge(task: request.taskName, size: size, limit: configuration.maximumArgumentsSize)
        }
    }

    func insert(_ request: TaskRequest, on connection: PostgresConnection) async throws -> TaskRecord {
        try request.validate()
        try checkSize(of: request)
        if request.unique != nil { return try await insertUnique(request, on: connection).record }
        let now = Date()
        let runAfter = request.runAfter ?? now
        let binds = insertBindings(request, now: now, runAfter: runAfter, capacity: 16)
        // The NOTIFY rides in the same statement: one round trip, delivered only when the row commits.
        // Its payload is empty: any role of the database may LISTEN, so it must not name the queue.
        let rows = try await connection.query(PostgresQuery(unsafeSQL: """
            WITH inserted AS (
                INSERT INTO \(names.task) (task_name, queue_name, backend, priority, status, arguments, enqueued_at, run_after,
                                           max_attempts, backoff_initial_ms, backoff_max_ms, backoff_jitter, timeout_ms,
                                           concurrency_key,
                                           concurrency_limit,
                                           trace_context)
                VALUES ($1, $2, $3, $4, 'PENDING', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $16)
                RETURNING id, queue_name)
            SELECT id, pg_notify($15, '')::text FROM inserted
            """, binds: binds), logger: logger).collect()
        guard let id = try rows.first?.decode(Int64.self) else {
            throw OffloadError(.databaseUnavailable, "PostgreSQL at \(configuration.endpoint) returned no id for the task \(request.taskName) it was asked to insert.")
        }
        var record = TaskRecord(id: TaskResultID(id), request: request, enqueuedAt: now)
        record.runAfter = runAfter
        return record
    }

    public func record(id: TaskResultID) async throws -> TaskRecord {
        try await withConnection { [self] connection in try await fetchRecord(id: id, on: connection) }
    }

    func fetchRecord(id: TaskResultID, on connection: PostgresConnection) async throws -> TaskRecord {
        let rows = try await connection.query(PostgresQuery(unsafeSQL: "SELECT \(TaskRecord.postgresSelection) FROM \(names.task) WHERE id = $1", binds: bindings(id.rawValue)), logger: logger).collect()
        guard let row = rows.first else { throw OffloadError.resultNotFound(id) }
        return try TaskRecord(postgresRow: row).readable()
    }
}

extension PostgresTaskStore {
    /// The binds of a task's INSERT, shared by the plain and the unique insert: $1–$12 the task's columns,
    /// $13 and $14 its concurrency key and limit, $15 the NOTIFY channel, $16 its trace context.
    func insertBindings(_ request: TaskRequest, now: Date, runAfter: Date, capacity: Int) -> PostgresBindings {
        var binds = PostgresBindings(capacity: capacity)
        binds.append(request.taskName)
        binds.append(request.queueName)
        binds.append(request.backend)
        binds.append(request.priority)
        binds.append(request.arguments)
        binds.append(now)
        binds.append(runAfter)
        binds.append(request.retry.maxAttempts)
        binds.append(request.retry.initialBackoff.milliseconds)
        binds.append(request.retry.maximumBackoff.milliseconds)
        binds.append(request.retry.jitter)
        binds.append(request.timeout?.milliseconds)
        binds.append(request.concurrency?.key)
        binds.append(request.concurrency?.limit)
        binds.append(names.channel)
        binds.append(request.traceContext)
        return binds
    }
}
