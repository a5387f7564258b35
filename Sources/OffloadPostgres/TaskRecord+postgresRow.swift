import Foundation
import Offload
import PostgresNIO

/// Reading stored rows back. PostgreSQL's types keep the wrong kind of value out of a column, but not JSON of
/// the wrong shape or NULLs inside arrays: such a column gives a placeholder and is listed in
/// ``TaskRecord/unreadableColumns``, so listings show the rest of the row.
extension TaskRecord {
    static let postgresColumns = ["id", "task_name", "queue_name", "backend", "priority", "status", "arguments", "return_value", "enqueued_at", "run_after", "started_at", "finished_at", "last_attempted_at", "attempts", "max_attempts", "backoff_initial_ms", "backoff_max_ms", "backoff_jitter", "timeout_ms", "worker_ids", "errors", "cancel_requested_at", "cancelled_by"]
    static let postgresSelection = postgresColumns.map { $0 == "errors" ? "errors::text" : $0 }.joined(separator: ", ")

    init(postgresRow row: PostgresRow) {
        let columns = row.makeRandomAccess()
        var problems: [StoredValueProblem] = []
        func read<Value: PostgresDecodable>(_ index: Int, _ type: Value.Type, or placeholder: Value) -> Value {
            do {
                return try columns[index].decode(type)
            } catch {
                problems.append(StoredValueProblem(column: TaskRecord.postgresColumns[index], reason: "cannot be read as \(Value.self): \(String(reflecting: error).prefix(200))"))
                return placeholder
            }
        }
        let id = read(0, Int64.self, or: 0)
        let statusText = read(5, String.self, or: "")
        let status = TaskStatus(rawValue: statusText) ?? {
            problems.append(StoredValueProblem(column: "status", reason: "\(StoredTaskValues.quoted(statusText)) is not a status"))
            return .failed
        }()
        let errorsText = read(20, String.self, or: "[]")
        let errors: [TaskAttemptError]
        do {
            errors = try TaskJSON.decode([TaskAttemptError].self, from: errorsText)
        } catch {
            problems.append(StoredValueProblem(column: "errors", reason: "holds \(StoredTaskValues.quoted(errorsText)), not the JSON array of errors Offload writes there"))
            errors = []
        }
        let timeoutMS = read(18, Int64?.self, or: nil)
        self.init(
            id: TaskResultID(id),
            taskName: read(1, String.self, or: "?"),
            queueName: read(2, String.self, or: "?"),
            backend: read(3, String.self, or: "?"),
            priority: read(4, Int.self, or: 0),
            status: status,
            arguments: read(6, String.self, or: "?"),
            returnValue: read(7, String?.self, or: nil),
            enqueuedAt: read(8, Date.self, or: Date(timeIntervalSince1970: 0)),
            runAfter: read(9, Date.self, or: Date(timeIntervalSince1970: 0)),
            startedAt: read(10, Date?.self, or: nil),
            finishedAt: read(11, Date?.self, or: nil),
            lastAttemptedAt: read(12, Date?.self, or: nil),
            attempts: read(13, Int.self, or: 0),
            retry: RetryPolicy(
                maxAttempts: read(14, Int.self, or: 1),
                initialBackoff: .milliseconds(read(15, Int64.self, or: 0)),
                maximumBackoff: .milliseconds(read(16, Int64.self, or: 0)),
                jitter: read(17, Double.self, or: 0)),
            timeout: timeoutMS.map { .milliseconds($0) },
            workerIDs: read(19, [String].self, or: []),
            errors: errors)
        cancelRequestedAt = read(21, Date?.self, or: nil)
        cancelledBy = read(22, String?.self, or: nil)
        unreadableColumns = problems
    }
}
