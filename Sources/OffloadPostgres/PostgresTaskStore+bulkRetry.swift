import Foundation
import Offload
import PostgresNIO

extension PostgresTaskStore {
    /// One `UPDATE … RETURNING` per chunk, each its own transaction with its NOTIFY, walking up the ids.
    public func retry(matching request: BulkRetryRequest) async throws -> [RetriedTask] {
        try request.validate()
        // An absent condition is NULL and drops out: one statement for every filter.
        let filter = """
            status = 'FAILED' AND id > $1
              AND ($2::text IS NULL OR queue_name = $2)
              AND ($3::text IS NULL OR task_name = $3)
              AND ($4::text IS NULL OR (CASE WHEN jsonb_typeof(errors) = 'array' THEN errors -> -1 ->> 'exceptionType' END) = $4)
              AND ($5::timestamptz IS NULL OR finished_at >= $5)
              AND ($6::timestamptz IS NULL OR finished_at < $6)
            """
        var retried: [RetriedTask] = []
        var after: Int64 = 0
        while true {
            var binds = PostgresBindings(capacity: 8)
            binds.append(after)
            binds.append(request.queueName)
            binds.append(request.taskName)
            binds.append(request.errorType)
            binds.append(request.failedSince)
            binds.append(request.failedUntil)
            binds.append(request.chunkSize)
            let query: PostgresQuery
            if request.dryRun {
                query = PostgresQuery(unsafeSQL: "SELECT id, task_name, queue_name FROM \(names.task) WHERE \(filter) ORDER BY id LIMIT $7", binds: binds)
            } else {
                binds.append(request.now)
                // FOR UPDATE: a row another admin is retrying is waited for and re-checked, never granted two sets of attempts.
                query = PostgresQuery(unsafeSQL: """
                    WITH picked AS (SELECT id FROM \(names.task) WHERE \(filter) ORDER BY id LIMIT $7 FOR UPDATE)
                    UPDATE \(names.task) AS task SET status = 'PENDING', run_after = $8, finished_at = NULL,
                        max_attempts = LEAST(task.attempts::bigint + task.max_attempts, 2147483647)::integer
                    FROM picked WHERE task.id = picked.id
                    RETURNING task.id, task.task_name, task.queue_name
                    """, binds: binds)
            }
            let rows = try await withConnection { [self] connection in try await connection.query(query, logger: logger).collect() }
            let chunk = try rows.map { row in
                let (id, taskName, queueName) = try row.decode((Int64, String, String).self)
                return RetriedTask(id: TaskResultID(id), taskName: taskName, queueName: queueName)
            }.sorted { $0.id.rawValue < $1.id.rawValue }
            if !request.dryRun, !chunk.isEmpty {
                try await withConnection { [self] connection in try await notify(on: connection) }
            }
            retried += chunk
            guard let last = chunk.last else { return retried }
            after = last.id.rawValue
        }
    }
}
