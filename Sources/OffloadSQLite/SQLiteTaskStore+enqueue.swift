import Foundation
import GRDB
import Offload

extension SQLiteTaskStore {
    public func enqueue(_ request: TaskRequest) throws -> TaskRecord {
        try writeTransaction { db in try insert(request, db: db) }
    }

    public func enqueue(_ request: TaskRequest) async throws -> TaskRecord {
        try writeTransaction { db in try insert(request, db: db) }
    }

    /// Enqueues many tasks in one transaction: all are stored, or none.
    public func enqueue(batch requests: [TaskRequest]) throws -> [TaskRecord] {
        try writeTransaction { db in try requests.map { try insert($0, db: db) } }
    }

    /// Enqueues inside the caller's open write transaction: the task exists only if that transaction commits.
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
                try db.inTransaction(.immediate) {
                    _ = try self.insert(request, db: db)
                    return .commit
                }
            } catch {
                onFailure(SQLiteErrorTranslation.translate(error, path: self.path))
            }
        })
    }

    @Sendable public static func reportLostEnqueue(_ error: any Error) {
        FileHandle.standardError.write(Data("offload: a task deferred to after commit could not be enqueued: \(error)\n".utf8))
    }

    func insert(_ request: TaskRequest, db: Database) throws -> TaskRecord {
        try request.validate()
        let size = request.arguments.utf8.count
        guard size <= configuration.maximumArgumentsSize else {
            throw OffloadError.argumentsTooLarge(task: request.taskName, size: size, limit: configuration.maximumArgumentsSize)
        }
        let now = Date()
        let statement = try db.cachedStatement(sql: """
            INSERT INTO offload_task (task_name, queue_name, backend, priority, status, arguments, enqueued_at, run_after,
                                      max_attempts, backoff_initial_ms, backoff_max_ms, backoff_jitter, timeout_ms)
            VALUES (?, ?, ?, ?, 'PENDING', ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let runAfter = request.runAfter ?? now
        try statement.execute(arguments: [
            request.taskName, request.queueName, request.backend, request.priority, request.arguments,
            DatabaseTime.micros(now), DatabaseTime.micros(runAfter),
            request.retry.maxAttempts, request.retry.initialBackoff.milliseconds, request.retry.maximumBackoff.milliseconds,
            request.retry.jitter, request.timeout?.milliseconds,
        ])
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
