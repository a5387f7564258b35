import Foundation
import Offload
import PostgresNIO

extension PostgresTaskStore {
    /// A snoozed attempt: back to PENDING, due at `until`, the attempt given back (never below 0), no error.
    /// Returns whether the task went back, which idle workers must hear about.
    func recordSnooze(until: Date, of outcome: TaskOutcome, on connection: PostgresConnection) async throws -> Bool {
        let rows = try await connection.query(PostgresQuery(unsafeSQL: """
            UPDATE \(names.task) SET status = 'PENDING', run_after = $1, attempts = GREATEST(attempts - 1, 0)
            WHERE id = $2 AND status = 'RUNNING' AND worker_id = $3
            RETURNING id
            """, binds: bindings(until, outcome.id.rawValue, outcome.workerID)), logger: logger).collect()
        return !rows.isEmpty
    }
}
