import Foundation
import GRDB
import Offload

/// Reading stored rows back. A row edited by hand or damaged is still read, with placeholders where a column
/// could not be, and the columns listed in ``TaskRecord/unreadableColumns``: listings show what they can.
extension TaskRecord {
    static let selectedColumns = ["id", "task_name", "queue_name", "backend", "priority", "status", "arguments", "return_value", "enqueued_at", "run_after", "started_at", "finished_at", "last_attempted_at", "attempts", "max_attempts", "backoff_initial_ms", "backoff_max_ms", "backoff_jitter", "timeout_ms", "worker_ids", "errors", "cancel_requested_at", "cancelled_by"]
    static let selection = selectedColumns.joined(separator: ", ")

    init(row: Row) {
        var stored = StoredRow(row, columns: Self.selectedColumns)
        let id = stored.integer(0)
        let statusText = stored.text(5)
        let status = TaskStatus(rawValue: statusText) ?? {
            stored.note(StoredValueProblem(column: "status", reason: "\(StoredTaskValues.quoted(statusText)) is not a status"))
            return .failed
        }()
        let priority = stored.int(4)
        let retry = RetryPolicy(
            maxAttempts: stored.int(14, or: 1),
            initialBackoff: .milliseconds(stored.integer(15)),
            maximumBackoff: .milliseconds(stored.integer(16)),
            jitter: stored.real(17))
        let timeout = stored.optionalInteger(18).map { Duration.milliseconds($0) }
        self.init(
            id: TaskResultID(id),
            taskName: stored.text(1),
            queueName: stored.text(2),
            backend: stored.text(3),
            priority: priority,
            status: status,
            arguments: stored.text(6),
            returnValue: stored.optionalText(7),
            enqueuedAt: stored.date(8),
            runAfter: stored.date(9),
            startedAt: stored.optionalDate(10),
            finishedAt: stored.optionalDate(11),
            lastAttemptedAt: stored.optionalDate(12),
            attempts: stored.int(13),
            retry: retry,
            timeout: timeout,
            workerIDs: stored.json([String].self, 19, or: []),
            errors: stored.json([TaskAttemptError].self, 20, or: []))
        cancelRequestedAt = stored.optionalDate(21)
        cancelledBy = stored.optionalText(22)
        unreadableColumns = stored.problems
    }
}
