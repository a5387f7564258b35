import Foundation
import Logging
import Offload
import PostgresNIO

extension PostgresTaskStore {
    public func records(matching filter: TaskFilter) async throws -> [TaskRecord] {
        var clauses: [String] = []
        var binds = PostgresBindings()
        if let id = filter.id {
            binds.append(id.rawValue)
            clauses.append("id = $\(binds.count)")
        }
        if let status = filter.status {
            binds.append(status.rawValue)
            clauses.append("status = $\(binds.count)")
        }
        if let queue = filter.queueName {
            binds.append(queue)
            clauses.append("queue_name = $\(binds.count)")
        }
        if let name = filter.taskName {
            binds.append(name)
            clauses.append("task_name = $\(binds.count)")
        }
        binds.append(filter.limit)
        let whereClause = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        let query = PostgresQuery(unsafeSQL: "SELECT \(TaskRecord.postgresSelection) FROM \(names.task) \(whereClause) ORDER BY id DESC LIMIT $\(binds.count)", binds: binds)
        return try await withConnection { [self] connection in
            try await connection.query(query, logger: logger).collect().map { TaskRecord(postgresRow: $0) }
        }
    }

    public func counts() async throws -> [QueueCounts] {
        try await withConnection { [self] connection in
            let rows = try await connection.query(PostgresQuery(unsafeSQL: "SELECT queue_name, status, count(*) FROM \(names.task) GROUP BY queue_name, status"), logger: logger).collect()
            return QueueCounts.tally(try rows.map { row in
                let (queue, status, count) = try row.decode((String, String, Int).self)
                return (queue: queue, status: status, count: count)
            })
        }
    }

    public func retry(id: TaskResultID, at now: Date) async throws -> TaskRecord {
        try await inTransaction { [self] connection in
            // Lock the row so two admins retrying at once grant one fresh set of attempts, not two.
            try await connection.perform(PostgresQuery(unsafeSQL: "SELECT id FROM \(names.task) WHERE id = $1 FOR UPDATE", binds: bindings(id.rawValue)), logger: logger)
            let record = try await fetchRecord(id: id, on: connection)
            guard record.status == .failed else {
                throw OffloadError(.notRetryable, "Task \(id) (\(TerminalSafe.escape(record.taskName))) is \(record.status), not FAILED: only failed tasks can be retried.")
            }
            // A manual retry grants a fresh set of attempts on top of those already made.
            try await connection.perform(PostgresQuery(unsafeSQL: """
                UPDATE \(names.task) SET status = 'PENDING', run_after = $1, finished_at = NULL, max_attempts = attempts + max_attempts
                WHERE id = $2
                """, binds: bindings(now, id.rawValue)), logger: logger)
            try await notify(on: connection)
            return try await fetchRecord(id: id, on: connection)
        }
    }

    public func prune(_ request: PruneRequest) async throws -> Int {
        let statuses = request.statuses.filter(\.isFinished).map(\.rawValue).sorted()
        guard !statuses.isEmpty else {
            throw OffloadError(.invalidOption, "Pruning only removes finished results: give SUCCESSFUL, FAILED and/or CANCELLED, not \(request.statuses.map(\.rawValue).sorted().joined(separator: ", ")).")
        }
        guard request.chunkSize > 0 else {
            throw OffloadError(.invalidOption, "The prune chunk size is \(request.chunkSize): give at least 1 row per transaction.")
        }
        let cutoff = request.now.addingTimeInterval(-request.age.seconds)
        // Literal statuses (from the enum, never user text) let the planner prove a partial index on finished rows applies:
        // SUCCESSFUL and FAILED rows have one, CANCELLED rows another, so each group is pruned on its own.
        var deleted = 0
        for group in PruneStatusGroup.split(statuses) {
            let literals = group.statuses.map { "'\($0)'" }.joined(separator: ", ")
            let filter = "status IN (\(literals)) AND \(group.indexCondition) AND finished_at < $1"
            if request.dryRun {
                deleted += try await withConnection { [self] connection in
                    let rows = try await connection.query(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(names.task) WHERE \(filter)", binds: bindings(cutoff)), logger: logger).collect()
                    return try rows.first?.decode(Int.self) ?? 0
                }
                continue
            }
            // Small chunks, each its own transaction: row locks are held for milliseconds and the
            // work is spread out, so a prune of a million rows never stalls enqueueing or claiming.
            while true {
                let count = try await withConnection { [self] connection in
                    let rows = try await connection.query(PostgresQuery(unsafeSQL: """
                        WITH doomed AS (SELECT id FROM \(names.task) WHERE \(filter) ORDER BY finished_at LIMIT $2),
                             deleted AS (DELETE FROM \(names.task) AS task USING doomed WHERE task.id = doomed.id RETURNING 1)
                        SELECT count(*) FROM deleted
                        """, binds: bindings(cutoff, request.chunkSize)), logger: logger).collect()
                    return try rows.first?.decode(Int.self) ?? 0
                }
                deleted += count
                if count < request.chunkSize { break }
                await Task.yield()
            }
        }
        return deleted
    }
}
