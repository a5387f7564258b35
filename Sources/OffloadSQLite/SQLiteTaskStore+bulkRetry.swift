import Foundation
import GRDB
import Offload

extension SQLiteTaskStore {
    /// One `UPDATE … RETURNING` per chunk, each in its own short write transaction, walking up the ids.
    public func retry(matching request: BulkRetryRequest) async throws -> [RetriedTask] {
        try request.validate()
        // Named arguments so that an absent condition (`NULL`) drops out: one statement for every filter.
        let filter = """
            status = 'FAILED' AND id > :after
              AND (:queue IS NULL OR queue_name = :queue)
              AND (:task IS NULL OR task_name = :task)
              AND (:errorType IS NULL OR (CASE WHEN \(isJSONArray("errors")) THEN json_extract(errors, '$[#-1].exceptionType') END) = :errorType)
              AND (:since IS NULL OR finished_at >= :since)
              AND (:until IS NULL OR finished_at < :until)
            """
        var arguments: StatementArguments = [
            "queue": request.queueName, "task": request.taskName, "errorType": request.errorType,
            "since": request.failedSince.map(DatabaseTime.micros), "until": request.failedUntil.map(DatabaseTime.micros),
            "chunk": request.chunkSize, "now": DatabaseTime.micros(request.now), "after": Int64(0),
        ]
        var retried: [RetriedTask] = []
        while true {
            let rows: [Row]
            if request.dryRun {
                rows = try read { db in
                    try Row.fetchAll(db, sql: "SELECT id, CAST(task_name AS TEXT), CAST(queue_name AS TEXT) FROM offload_task WHERE \(filter) ORDER BY id LIMIT :chunk", arguments: arguments)
                }
            } else {
                rows = try writeTransaction { db in
                    // As `retry(id:)`: a fresh set of attempts on top of those made, capped so garbage cannot overflow.
                    try Row.fetchAll(db, sql: """
                        UPDATE offload_task SET status = 'PENDING', run_after = :now, finished_at = NULL,
                            max_attempts = MIN(attempts + max_attempts, 2147483647)
                        WHERE id IN (SELECT id FROM offload_task WHERE \(filter) ORDER BY id LIMIT :chunk)
                        RETURNING id, CAST(task_name AS TEXT), CAST(queue_name AS TEXT)
                        """, arguments: arguments)
                }
                if !rows.isEmpty { CommitAnnouncement.announce(databaseAt: path) }
            }
            let chunk = rows.map { RetriedTask(id: TaskResultID($0[0] as Int64), taskName: $0[1] ?? "", queueName: $0[2] ?? "") }.sorted { $0.id.rawValue < $1.id.rawValue }
            retried += chunk
            guard let last = chunk.last else { return retried }
            arguments = arguments &+ ["after": last.id.rawValue]
        }
    }
}
