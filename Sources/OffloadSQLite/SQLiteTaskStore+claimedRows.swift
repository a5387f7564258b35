import Foundation
import GRDB
import Offload

/// Turning claimed rows into tasks to run, and failing those that hold garbage: a row edited by hand or
/// damaged costs its own task, with an error naming the column, never the claim of the tasks around it.
extension SQLiteTaskStore {
    /// What a claim returns; the last two are flags: whether worker_ids and errors hold JSON arrays.
    static let claimedColumns = ["id", "task_name", "queue_name", "priority", "arguments", "attempts", "max_attempts", "backoff_initial_ms", "backoff_max_ms", "backoff_jitter", "timeout_ms", "run_after", "worker_ids", "errors"]

    /// A claimed row that holds garbage: its id, the attempt it would have been, and the first bad column.
    struct PoisonedClaim: Error {
        var id: Int64
        var attempt: Int
        var problem: StoredValueProblem
    }

    /// A claimed row as a task to run, or the first of its columns that holds garbage.
    static func claimedTask(from row: Row) -> Result<ClaimedTask, PoisonedClaim> {
        var stored = StoredRow(row, columns: claimedColumns)
        let id = stored.integer(0)
        let taskName = stored.text(1)
        let queueName = stored.text(2)
        let priority = stored.int(3)
        let arguments = stored.text(4)
        let attempts = stored.integer(5)
        let maxAttempts = stored.integer(6)
        let initialBackoff = stored.integer(7)
        let maximumBackoff = stored.integer(8)
        let jitter = stored.real(9)
        let timeoutMS = stored.optionalInteger(10)
        let runAfter = stored.date(11)
        let attempt = Int(exactly: attempts) ?? 0
        if let problem = stored.problems.first { return .failure(PoisonedClaim(id: id, attempt: attempt, problem: problem)) }
        // Columns 12 and 13 are the flags the claim computed: whether worker_ids and errors hold JSON arrays.
        for (index, column) in [(12, "worker_ids"), (13, "errors")] where Int64.fromDatabaseValue(row[index]) != 1 {
            return .failure(PoisonedClaim(id: id, attempt: attempt, problem: StoredValueProblem(column: column, reason: "does not hold a JSON array")))
        }
        do {
            let retry = try StoredTaskValues.retryPolicy(maxAttempts: maxAttempts, initialBackoffMilliseconds: initialBackoff, maximumBackoffMilliseconds: maximumBackoff, jitter: jitter)
            let timeout = try timeoutMS.map { milliseconds throws(StoredValueProblem) in
                try StoredTaskValues.duration(milliseconds: milliseconds, column: "timeout_ms", positive: true)
            }
            return .success(ClaimedTask(
                id: TaskResultID(id), taskName: taskName, queueName: queueName, priority: priority, arguments: arguments,
                attempt: try StoredTaskValues.attempt(attempts), retry: retry, timeout: timeout, runAfter: runAfter,
                traceContext: row.count > 14 ? String.fromDatabaseValue(row[14]) : nil))
        } catch {
            return .failure(PoisonedClaim(id: id, attempt: attempt, problem: error))
        }
    }

    /// Fails a claimed task whose row holds garbage, with an error naming the column. The JSON columns and
    /// `run_after` are reset to values Offload can read again, so the row can be shown, retried or pruned.
    func failPoisoned(_ bad: PoisonedClaim, workerID: String, now: Date, db: Database) throws {
        let error = StoredTaskValues.failure(of: TaskResultID(bad.id), bad.problem, attempt: bad.attempt, workerID: workerID, at: now)
        let errorJSON = try TaskJSON.encode(error)
        let micros = DatabaseTime.micros(now)
        try db.execute(sql: """
            UPDATE offload_task
            SET status = 'FAILED', finished_at = ?,
                run_after = CASE WHEN typeof(run_after) = 'integer' THEN run_after ELSE ? END,
                worker_ids = CASE WHEN \(isJSONArray("worker_ids")) THEN worker_ids ELSE json_array(?) END,
                errors = \(Self.appendingError)
            WHERE id = ?
            """, arguments: [micros, micros, workerID, errorJSON, errorJSON, bad.id])
    }
}
