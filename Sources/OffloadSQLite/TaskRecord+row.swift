import Foundation
import GRDB
import Offload

/// Reading stored rows back, with an error that names the row when one is malformed
/// (edited by hand, or written by a newer version).
extension TaskRecord {
    static let selection = "id, task_name, queue_name, backend, priority, status, arguments, return_value, enqueued_at, run_after, started_at, finished_at, last_attempted_at, attempts, max_attempts, backoff_initial_ms, backoff_max_ms, backoff_jitter, timeout_ms, worker_ids, errors"

    init(row: Row) throws {
        let id: Int64 = row[0]
        let statusText: String = row[5]
        guard let status = TaskStatus(rawValue: statusText) else {
            throw OffloadError(.invalidStoredRow, "Task \(id) has an unknown status \"\(statusText)\" in the database.")
        }
        let workerIDsText: String = row[19]
        let errorsText: String = row[20]
        let workerIDs: [String]
        let errors: [TaskAttemptError]
        do {
            workerIDs = try TaskJSON.decode([String].self, from: workerIDsText)
            errors = try TaskJSON.decode([TaskAttemptError].self, from: errorsText)
        } catch {
            throw OffloadError(.invalidStoredRow, "Task \(id) has malformed worker_ids or errors JSON in the database: \(error).")
        }
        let timeoutMS: Int64? = row[18]
        self.init(
            id: TaskResultID(id),
            taskName: row[1],
            queueName: row[2],
            backend: row[3],
            priority: row[4],
            status: status,
            arguments: row[6],
            returnValue: row[7],
            enqueuedAt: DatabaseTime.date(row[8] as Int64),
            runAfter: DatabaseTime.date(row[9] as Int64),
            startedAt: DatabaseTime.date(row[10] as Int64?),
            finishedAt: DatabaseTime.date(row[11] as Int64?),
            lastAttemptedAt: DatabaseTime.date(row[12] as Int64?),
            attempts: row[13],
            retry: RetryPolicy(
                maxAttempts: row[14],
                initialBackoff: .milliseconds(row[15] as Int64),
                maximumBackoff: .milliseconds(row[16] as Int64),
                jitter: row[17]),
            timeout: timeoutMS.map { .milliseconds($0) },
            workerIDs: workerIDs,
            errors: errors)
    }
}
