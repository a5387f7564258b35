import Foundation
import GRDB
import Offload

extension SQLiteTaskStore {
    /// `value`, or `cancelled` when someone asked to cancel the row's task: what every statement that ends or
    /// requeues a RUNNING task sets `status` (and `finished_at`) to, so that a cancelled task is never retried.
    /// Any value in `cancel_requested_at`, garbage included, counts as a request: it costs that task alone.
    static func unlessCancelled(_ value: String, else cancelled: String = "'CANCELLED'") -> String {
        "CASE WHEN cancel_requested_at IS NULL THEN \(value) ELSE \(cancelled) END"
    }

    public func cancel(_ ids: [TaskResultID], by canceller: String, at now: Date) async throws -> [TaskCancellation] {
        guard !ids.isEmpty else { return [] }
        return try writeTransaction { db in
            try ids.map { try cancel($0, by: canceller, now: DatabaseTime.micros(now), db: db) }
        }
    }

    private func cancel(_ id: TaskResultID, by canceller: String, now: Int64, db: Database) throws -> TaskCancellation {
        // CASTs: a hand-edited row may hold anything; reading it must not trap.
        guard let row = try Row.fetchOne(db, sql: """
            SELECT CAST(status AS TEXT), CAST(task_name AS TEXT), cancel_requested_at IS NOT NULL FROM offload_task WHERE id = ?
            """, arguments: [id.rawValue])
        else {
            return TaskCancellation(id: id, taskName: nil, previousStatus: nil, effect: .notFound)
        }
        let status = (row[0] as String?).flatMap(TaskStatus.init(rawValue:))
        let taskName = row[1] as String?
        let alreadyRequested = row[2] as Int64? == 1
        switch status {
        case .pending:
            try db.execute(sql: """
                UPDATE offload_task SET status = 'CANCELLED', finished_at = ?, cancel_requested_at = ?, cancelled_by = ?
                WHERE id = ? AND status = 'PENDING'
                """, arguments: [now, now, canceller, id.rawValue])
            return TaskCancellation(id: id, taskName: taskName, previousStatus: status, effect: .cancelled)
        case .running where alreadyRequested:
            return TaskCancellation(id: id, taskName: taskName, previousStatus: status, effect: .alreadyRequested)
        case .running:
            try db.execute(sql: """
                UPDATE offload_task SET cancel_requested_at = ?, cancelled_by = ?
                WHERE id = ? AND status = 'RUNNING'
                """, arguments: [now, canceller, id.rawValue])
            return TaskCancellation(id: id, taskName: taskName, previousStatus: status, effect: .requested)
        case .successful, .failed, .cancelled, nil:
            return TaskCancellation(id: id, taskName: taskName, previousStatus: status, effect: .alreadyFinished)
        }
    }

    /// Ends a started task that someone asked to cancel, after its worker was lost: CANCELLED, with the
    /// loss's error appended (`errorJSON`), so that whoever reads it sees how the attempt ended.
    func settleCancelled(_ id: TaskResultID, error errorJSON: String, now: Date, db: Database) throws {
        try db.execute(sql: """
            UPDATE offload_task SET status = 'CANCELLED', finished_at = ?, errors = \(Self.appendingError)
            WHERE id = ?
            """, arguments: [DatabaseTime.micros(now), errorJSON, errorJSON, id.rawValue])
    }

    public func cancelRequests(ofWorker workerID: String) async throws -> Set<TaskResultID> {
        try read { db in
            // The partial index on RUNNING rows by worker: a few rows, however large the table.
            let statement = try db.cachedStatement(sql: """
                SELECT id FROM offload_task WHERE status = 'RUNNING' AND worker_id = ? AND cancel_requested_at IS NOT NULL
                """)
            return Set(try Int64.fetchAll(statement, arguments: [workerID]).map { TaskResultID($0) })
        }
    }
}
