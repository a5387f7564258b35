import Foundation
import Offload
import PostgresNIO

/// Reading stored rows back, with an error that names the row when one is malformed
/// (edited by hand, or written by a newer version).
extension TaskRecord {
    static let postgresSelection = "id, task_name, queue_name, backend, priority, status, arguments, return_value, enqueued_at, run_after, started_at, finished_at, last_attempted_at, attempts, max_attempts, backoff_initial_ms, backoff_max_ms, backoff_jitter, timeout_ms, worker_ids, errors::text"

    init(postgresRow row: PostgresRow) throws {
        let columns = row.makeRandomAccess()
        let id = try columns[0].decode(Int64.self)
        do {
            let statusText = try columns[5].decode(String.self)
            guard let status = TaskStatus(rawValue: statusText) else {
                throw OffloadError(.invalidStoredRow, "Task \(id) has an unknown status \"\(statusText)\" in the database.")
            }
            let errorsText = try columns[20].decode(String.self)
            let errors: [TaskAttemptError]
            do {
                errors = try TaskJSON.decode([TaskAttemptError].self, from: errorsText)
            } catch {
                throw OffloadError(.invalidStoredRow, "Task \(id) has malformed errors JSON in the database: \(error).")
            }
            let timeoutMS = try columns[18].decode(Int64?.self)
            self.init(
                id: TaskResultID(id),
                taskName: try columns[1].decode(String.self),
                queueName: try columns[2].decode(String.self),
                backend: try columns[3].decode(String.self),
                priority: try columns[4].decode(Int.self),
                status: status,
                arguments: try columns[6].decode(String.self),
                returnValue: try columns[7].decode(String?.self),
                enqueuedAt: try columns[8].decode(Date.self),
                runAfter: try columns[9].decode(Date.self),
                startedAt: try columns[10].decode(Date?.self),
                finishedAt: try columns[11].decode(Date?.self),
                lastAttemptedAt: try columns[12].decode(Date?.self),
                attempts: try columns[13].decode(Int.self),
                retry: RetryPolicy(
                    maxAttempts: try columns[14].decode(Int.self),
                    initialBackoff: .milliseconds(try columns[15].decode(Int64.self)),
                    maximumBackoff: .milliseconds(try columns[16].decode(Int64.self)),
                    jitter: try columns[17].decode(Double.self)),
                timeout: timeoutMS.map { .milliseconds($0) },
                workerIDs: try columns[19].decode([String].self),
                errors: errors)
        } catch let error as OffloadError {
            throw error
        } catch {
            throw OffloadError(.invalidStoredRow, "Task \(id) has a column of an unexpected type in the database: \(String(reflecting: error)). Was the schema changed by hand?")
        }
    }
}
