import Foundation
import GRDB
import Offload

extension SQLiteTaskStore {
    /// A snoozed attempt: back to PENDING, due at `until`, the attempt given back (never below 0), no error.
    /// Guarded like every outcome, so a late report for a recovered task changes nothing.
    func recordSnooze(until: Date, of outcome: TaskOutcome, db: Database) throws {
        let statement = try db.cachedStatement(sql: """
            UPDATE offload_task SET status = 'PENDING', run_after = ?, attempts = MAX(attempts - 1, 0)
            WHERE id = ? AND status = 'RUNNING' AND worker_id = ?
            """)
        try statement.execute(arguments: [DatabaseTime.micros(until), outcome.id.rawValue, outcome.workerID])
    }
}
