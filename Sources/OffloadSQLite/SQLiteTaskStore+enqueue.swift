import Foundation
import GRDB
import Offload

extension SQLiteTaskStore {
    public func enqueue(_ request: TaskRequest) throws -> TaskRecord {
        defer { CommitAnnouncement.announce(databaseAt: path) }
        return try writeTransaction(acknowledgingEnqueue: true) { db in try insert(request, db: db) }
    }

    /// Stores the task and returns once its commit is as durable as ``SQLiteStoreConfiguration/durability`` says.
    ///
    /// Concurrent calls in one process share a transaction, and so one WAL sync (group commit): the first
    /// commits at once, with no timer; those that arrive meanwhile commit together right after it. Each
    /// request still succeeds or fails on its own: an invalid one is refused before it joins a batch,
    /// and one the database refuses is rolled back to its savepoint without touching the others.
    public func enqueue(_ request: TaskRequest) async throws -> TaskRecord {
        try await enqueueInGroupCommit(request).record
    }

    /// The shared-batch enqueue; a unique request whose key is held comes back as a duplicate, leaving its neighbours be.
    func enqueueInGroupCommit(_ request: TaskRequest) async throws -> EnqueueOutcome {
        try validateForInsert(request)
        return try await groupCommit.submit(request) { leader, takeQueued in
            defer { CommitAnnouncement.announce(databaseAt: path) }
            return try writeTransaction(acknowledgingEnqueue: true) { db in
                // Taken with the write lock held, so the batch holds everything that arrived while waiting for it.
                let requests = [leader] + takeQueued()
                return requests.map { request in
                    Result<EnqueueOutcome, any Error> {
                        var record: EnqueueOutcome?
                        try db.inSavepoint {
                            record = try insertReportingDuplicate(request, db: db)
                            return .commit
                        }
                        return record!
                    }
                }
            }
        }
    }

    /// Enqueues many tasks in one transaction: all are stored, or none.
    public func enqueue(batch requests: [TaskRequest]) throws -> [TaskRecord] {
        defer { CommitAnnouncement.announce(databaseAt: path) }
        return try writeTransaction(acknowledgingEnqueue: true) { db in try requests.map { try insert($0, db: db) } }
    }

    /// Enqueues inside the caller's open write transaction: the task exists only if that transaction commits.
    /// Its durability is the app's transaction's: the `synchronous` setting of the app's pool.
    ///
    /// ```swift
    /// try dbPool.write { db in
    ///     try Order(id: orderID, total: 42).insert(db)
    ///     try store.enqueue(TaskRequest(SendOrderConfirmation.self, arguments: .init(orderID: orderID)), in: db)
    /// }   // a rollback here removes the order and the task together
    /// ```
    public func enqueue(_ request: TaskRequest, in db: Database) throws -> TaskRecord {
        precondition(db.isInsideTransaction, "enqueue(_:in:) must run inside the app's write transaction (dbPool.write { db in … }).")
        try fileIdentity?.check(path: path)
        let path = self.path
        db.afterNextTransaction(onCommit: { _ in CommitAnnouncement.announce(databaseAt: path) })
        return try insert(request, db: db)
    }

    /// Enqueues once the caller's current transaction commits, and never if it rolls back (the spec's `on_commit`).
    ///
    /// Prefer ``enqueue(_:in:)``, which is atomic with the app's data. This form exists for code that must
    /// not hold the app's transaction open; if enqueueing then fails, `onFailure` hears about it
    /// (by default it writes the error to standard error) since there is no caller left to throw to.
    public func enqueueAfterCommit(_ request: TaskRequest, in db: Database, onFailure: @escaping @Sendable (any Error) -> Void = SQLiteTaskStore.reportLostEnqueue) {
        db.afterNextTransaction(onCommit: { db in
            do {
                try self.fileIdentity?.check(path: self.path)
                try self.withDurability(self.configuration.durability, db: db) {
                    try db.inTransaction(.immediate) {
                        _ = try self.insert(request, db: db)
                        return .commit
                    }
                }
                CommitAnnouncement.announce(databaseAt: self.path)
            } catch {
                onFailure(SQLiteErrorTranslation.translate(error, path: self.path))
            }
        })
    }

    @Sendable public static func reportLostEnqueue(_ error: any Error) {
        FileHandle.standardError.write(Data("offload: a task deferred to after commit could not be enqueued: \(error)\n".utf8))
    }

    /// The checks that need no database: a request that fails them never joins a shared batch.
    func validateForInsert(_ request: TaskRequest) throws {
        try request.validate()
        let size = request.arguments.utf8.count
        guard size <= configuration.maximumArgumentsSize else {
            throw OffloadError.argumentsTooLarge(task: request.taskName, size: size, limit: configuration.maximumArgumentsSize)
        }
    }

    func insert(_ request: TaskRequest, db: Database) throws -> TaskRecord {
        try validateForInsert(request)
        if request.unique != nil { return try insertUnique(request, db: db).record }
        let now = Date()
        let statement = try db.cachedStatement(sql: """
            INSERT INTO offload_task (task_name, queue_name, backend, priority, status, arguments, enqueued_at, run_after,
                                      max_attempts, backoff_initial_ms, backoff_max_ms, backoff_jitter, timeout_ms,
                                      trace_context)
            VALUES (?, ?, ?, ?, 'PENDING', ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let runAfter = request.runAfter ?? now
        try statement.execute(arguments: [
            request.taskName, request.queueName, request.backend, request.priority, request.arguments,
            DatabaseTime.micros(now), DatabaseTime.micros(runAfter),
            request.retry.maxAttempts, request.retry.initialBackoff.milliseconds, request.retry.maximumBackoff.milliseconds,
            request.retry.jitter, request.timeout?.milliseconds,
            request.traceContext,
        ])
        try storeConcurrency(of: request, id: db.lastInsertedRowID, db: db)
        var record = TaskRecord(id: TaskResultID(db.lastInsertedRowID), request: request, enqueuedAt: now)
        record.runAfter = runAfter
        return record
    }

    public func record(id: TaskResultID) throws -> TaskRecord {
        try read { db in try fetchRecord(id: id, db: db) }
    }

    public func record(id: TaskResultID) async throws -> TaskRecord {
        try read { db in try fetchRecord(id: id, db: db) }
    }

    func fetchRecord(id: TaskResultID, db: Database) throws -> TaskRecord {
        let statement = try db.cachedStatement(sql: "SELECT \(TaskRecord.selection) FROM offload_task WHERE id = ?")
        guard let row = try Row.fetchOne(statement, arguments: [id.rawValue]) else {
            throw OffloadError.resultNotFound(id)
        }
        return try TaskRecord(row: row).readable()
    }
}
