import Foundation
import GRDB
import Offload

/// The queries of the web console (docs/console.md).
extension SQLiteTaskStore {
    public func tasks(matching query: TaskListQuery) async throws -> [TaskRecord] {
        try read { db in
            var clauses: [String] = []
            var arguments: StatementArguments = []
            if !query.statuses.isEmpty {
                // Literals from the enum, never user text.
                clauses.append("status IN (\(query.statuses.map { "'\($0.rawValue)'" }.sorted().joined(separator: ", ")))")
            }
            if let queue = query.queueName { clauses.append("queue_name = ?"); arguments += [queue] }
            if let name = query.taskName { clauses.append("task_name = ?"); arguments += [name] }
            if let from = query.enqueuedFrom { clauses.append("enqueued_at >= ?"); arguments += [DatabaseTime.micros(from)] }
            if let before = query.enqueuedBefore { clauses.append("enqueued_at < ?"); arguments += [DatabaseTime.micros(before)] }
            if let text = query.argumentsContain, !text.isEmpty { clauses.append("instr(arguments, ?) > 0"); arguments += [text] }
            if let cursor = query.before { clauses.append("id < ?"); arguments += [cursor.rawValue] }
            let whereClause = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
            arguments += [query.clampedLimit]
            // ORDER BY the primary key walks the table's b-tree backwards from the cursor: no sort, no OFFSET.
            return try Row.fetchAll(db, sql: "SELECT \(TaskRecord.selection) FROM offload_task \(whereClause) ORDER BY id DESC LIMIT ?", arguments: arguments)
                .map { TaskRecord(row: $0) }
        }
    }

    public func deleteFinished(ids: [TaskResultID]) async throws -> [TaskResultID] {
        guard !ids.isEmpty else { return [] }
        return try writeTransaction { db in
            let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ", ")
            return try Int64.fetchAll(db, sql: "DELETE FROM offload_task WHERE id IN (\(placeholders)) AND status IN ('SUCCESSFUL', 'FAILED', 'CANCELLED') RETURNING id",
                                      arguments: StatementArguments(ids.map(\.rawValue)))
                .map(TaskResultID.init(rawValue:)).sorted()
        }
    }

    public func runNow(ids: [TaskResultID], at now: Date) async throws -> [TaskResultID] {
        guard !ids.isEmpty else { return [] }
        defer { CommitAnnouncement.announce(databaseAt: path) }
        return try writeTransaction { db in
            let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ", ")
            let micros = DatabaseTime.micros(now)
            return try Int64.fetchAll(db, sql: "UPDATE offload_task SET run_after = ? WHERE id IN (\(placeholders)) AND status = 'PENDING' AND run_after > ? RETURNING id",
                                      arguments: [micros] + StatementArguments(ids.map(\.rawValue)) + [micros])
                .map(TaskResultID.init(rawValue:)).sorted()
        }
    }

    public func finishedPerMinute(since: Date) async throws -> [FinishedPerMinute] {
        try read { db in
            // The partial index on finished rows (finished_at) bounds this to the hour's rows.
            let rows = try Row.fetchAll(db, sql: """
                SELECT finished_at / 60000000, CAST(status AS TEXT), COUNT(*) FROM offload_task
                WHERE status IN ('SUCCESSFUL', 'FAILED') AND finished_at >= ? GROUP BY 1, 2
                """, arguments: [DatabaseTime.micros(since)])
            return FinishedPerMinute.tally(rows.map { (minute: $0[0], status: $0[1], count: $0[2]) })
        }
    }

    public func oldestReady(at now: Date) async throws -> [String: Date] {
        try read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT CAST(queue_name AS TEXT), MIN(run_after) FROM offload_task
                WHERE status = 'PENDING' AND run_after <= ? GROUP BY queue_name
                """, arguments: [DatabaseTime.micros(now)])
            var oldest: [String: Date] = [:]
            for row in rows { if let micros: Int64 = row[1] { oldest[row[0]] = DatabaseTime.date(micros) } }
            return oldest
        }
    }
}
