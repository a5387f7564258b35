import Foundation
import GRDB
import Offload

extension SQLiteTaskStore {
    public func records(matching filter: TaskFilter) async throws -> [TaskRecord] {
        try read { db in
            var clauses: [String] = []
            var arguments: StatementArguments = []
            if let id = filter.id { clauses.append("id = ?"); arguments += [id.rawValue] }
            if let status = filter.status { clauses.append("status = ?"); arguments += [status.rawValue] }
            if let queue = filter.queueName { clauses.append("queue_name = ?"); arguments += [queue] }
            if let name = filter.taskName { clauses.append("task_name = ?"); arguments += [name] }
            let whereClause = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
            arguments += [filter.limit]
            return try Row.fetchAll(db, sql: "SELECT \(TaskRecord.selection) FROM offload_task \(whereClause) ORDER BY id DESC LIMIT ?", arguments: arguments)
                .map { TaskRecord(row: $0) }
        }
    }

    public func counts() async throws -> [QueueCounts] {
        try read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT CAST(queue_name AS TEXT), CAST(status AS TEXT), COUNT(*) FROM offload_task GROUP BY 1, 2")
            return QueueCounts.tally(rows.map { (queue: $0[0], status: $0[1], count: $0[2]) })
        }
    }

    public func retry(id: TaskResultID, at now: Date) async throws -> TaskRecord {
        defer { CommitAnnouncement.announce(databaseAt: path) }
        return try writeTransaction { db in
            let record = try fetchRecord(id: id, db: db)
            guard record.status == .failed else {
                throw OffloadError(.notRetryable, "Task \(id) (\(TerminalSafe.escape(record.taskName))) is \(record.status), not FAILED: only failed tasks can be retried.")
            }
            // A manual retry grants a fresh set of attempts on top of those already made.
            try db.execute(sql: """
                UPDATE offload_task SET status = 'PENDING', run_after = ?, finished_at = NULL,
                    max_attempts = attempts + max_attempts
                WHERE id = ?
                """, arguments: [DatabaseTime.micros(now), id.rawValue])
            return try fetchRecord(id: id, db: db)
        }
    }

    public func prune(_ request: PruneRequest) async throws -> Int {
        guard request.chunkSize >= 1 else {
            throw OffloadError(.invalidOption, "PruneRequest.chunkSize must be at least 1, not \(request.chunkSize).")
        }
        let statuses = request.statuses.filter(\.isFinished).map(\.rawValue).sorted()
        guard !statuses.isEmpty else {
            throw OffloadError(.invalidOption, "Pruning only removes finished results: give SUCCESSFUL, FAILED and/or CANCELLED, not \(request.statuses.map(\.rawValue).sorted().joined(separator: ", ")).")
        }
        let cutoff = DatabaseTime.micros(request.now.addingTimeInterval(-request.age.seconds))
        // Literal statuses (from the enum, never user text) let SQLite prove a partial index on finished rows applies:
        // SUCCESSFUL and FAILED rows have one, CANCELLED rows another, so each group is pruned on its own.
        var deleted = 0
        for group in PruneStatusGroup.split(statuses) {
            let literals = group.statuses.map { "'\($0)'" }.joined(separator: ", ")
            let filter = "status IN (\(literals)) AND \(group.indexCondition) AND finished_at < ?"
            let filterArguments: StatementArguments = [cutoff]
            if request.dryRun {
                deleted += try read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM offload_task WHERE \(filter)", arguments: filterArguments) ?? 0 }
                continue
            }
            // Small chunks, each its own transaction: between them other writers get the lock,
            // so a prune of a million rows never stalls enqueueing or claiming for long.
            while true {
                let count = try writeTransaction { db in
                    try db.execute(sql: "DELETE FROM offload_task WHERE id IN (SELECT id FROM offload_task WHERE \(filter) LIMIT ?)", arguments: filterArguments + [request.chunkSize])
                    return db.changesCount
                }
                deleted += count
                if count < request.chunkSize { break }
                await Task.yield()
            }
        }
        return deleted
    }
}
