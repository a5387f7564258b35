import Foundation
import Logging
import Offload
import PostgresNIO

extension PostgresTaskStore {
    /// `value`, or `cancelled` when someone asked to cancel the row's task: what every statement that ends or
    /// requeues a RUNNING task sets `status` (and `finished_at`) to, so that a cancelled task is never retried.
    static func unlessCancelled(_ value: String, else cancelled: String = "'CANCELLED'", table: String? = nil) -> String {
        "CASE WHEN \(table.map { $0 + "." } ?? "")cancel_requested_at IS NULL THEN \(value) ELSE \(cancelled) END"
    }

    public func cancel(_ ids: [TaskResultID], by canceller: String, at now: Date) async throws -> [TaskCancellation] {
        guard !ids.isEmpty else { return [] }
        return try await inTransaction { [self] connection in
            var results: [TaskCancellation] = []
            for id in ids {
                results.append(try await cancel(id, by: canceller, now: now, on: connection))
            }
            return results
        }
    }

    /// `FOR UPDATE` holds the row, so a claim or an outcome recorded meanwhile waits for this decision.
    private func cancel(_ id: TaskResultID, by canceller: String, now: Date, on connection: PostgresConnection) async throws -> TaskCancellation {
        let rows = try await connection.query(PostgresQuery(unsafeSQL: """
            SELECT status, task_name, cancel_requested_at IS NOT NULL FROM \(names.task) WHERE id = $1 FOR UPDATE
            """, binds: bindings(id.rawValue)), logger: logger).collect()
        guard let row = rows.first else {
            return TaskCancellation(id: id, taskName: nil, previousStatus: nil, effect: .notFound)
        }
        let (statusText, taskName, alreadyRequested) = try row.decode((String, String, Bool).self)
        let status = TaskStatus(rawValue: statusText)
        switch status {
        case .pending:
            try await connection.perform(PostgresQuery(unsafeSQL: """
                UPDATE \(names.task) SET status = 'CANCELLED', finished_at = $1, cancel_requested_at = $1, cancelled_by = $2
                WHERE id = $3 AND status = 'PENDING'
                """, binds: bindings(now, canceller, id.rawValue)), logger: logger)
            return TaskCancellation(id: id, taskName: taskName, previousStatus: status, effect: .cancelled)
        case .running where alreadyRequested:
            return TaskCancellation(id: id, taskName: taskName, previousStatus: status, effect: .alreadyRequested)
        case .running:
            try await connection.perform(PostgresQuery(unsafeSQL: """
                UPDATE \(names.task) SET cancel_requested_at = $1, cancelled_by = $2
                WHERE id = $3 AND status = 'RUNNING'
                """, binds: bindings(now, canceller, id.rawValue)), logger: logger)
            return TaskCancellation(id: id, taskName: taskName, previousStatus: status, effect: .requested)
        case .successful, .failed, .cancelled, nil:
            return TaskCancellation(id: id, taskName: taskName, previousStatus: status, effect: .alreadyFinished)
        }
    }

    /// Ends a started task that someone asked to cancel, after its worker was lost: CANCELLED, with the
    /// loss's error appended, so that whoever reads it sees how the attempt ended.
    func settleCancelled(_ id: Int64, error errorJSON: String, now: Date, on connection: PostgresConnection) async throws {
        try await connection.perform(PostgresQuery(unsafeSQL: """
            UPDATE \(names.task) SET status = 'CANCELLED', finished_at = $1, errors = \(Self.appendingError("$2"))
            WHERE id = $3
            """, binds: bindings(now, errorJSON, id)), logger: logger)
    }

    public func cancelRequests(ofWorker workerID: String) async throws -> Set<TaskResultID> {
        try await withConnection { [self] connection in
            // The partial index on RUNNING rows by worker: a few rows, however large the table.
            let rows = try await connection.query(PostgresQuery(unsafeSQL: """
                SELECT id FROM \(names.task) WHERE status = 'RUNNING' AND worker_id = $1 AND cancel_requested_at IS NOT NULL
                """, binds: bindings(workerID)), logger: logger).collect()
            var ids: Set<TaskResultID> = []
            for row in rows { ids.insert(TaskResultID(try row.decode(Int64.self))) }
            return ids
        }
    }
}
