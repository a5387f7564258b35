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

/// The Overview's counts and the bounded task list (SQLiteConsoleStatements holds their SQL).
extension SQLiteTaskStore {
    public func recentCounts(finishedSince: Date, finishedLimit: Int, at now: Date) async throws -> RecentCounts {
        try read { db in
            let micros = DatabaseTime.micros(now)
            var tally = RecentQueueCounts.Tally()
            for row in try Row.fetchAll(db, sql: SQLiteConsoleStatements.pending, arguments: [micros, micros]) {
                let count = Self.consoleCount(row[1]), delayed = min(Self.consoleCount(row[2]), count)
                let oldest = DatabaseTime.date(Int64.fromDatabaseValue(row[3]))
                tally.update(String.fromDatabaseValue(row[0]) ?? "") { entry in
                    entry.ready = RecentQueueCounts.Tally.sum(entry.ready, count - delayed)
                    entry.delayed = RecentQueueCounts.Tally.sum(entry.delayed, delayed)
                    if let oldest, entry.oldestReadySince.map({ oldest < $0 }) ?? true { entry.oldestReadySince = oldest }
                }
            }
            for row in try Row.fetchAll(db, sql: SQLiteConsoleStatements.running) {
                let count = Self.consoleCount(row[1])
                tally.update(String.fromDatabaseValue(row[0]) ?? "") { $0.running = RecentQueueCounts.Tally.sum($0.running, count) }
            }
            var since = DatabaseTime.micros(finishedSince)
            let cut = try Int64.fetchOne(db, sql: SQLiteConsoleStatements.finishedCut, arguments: [since, max(finishedLimit, 1) - 1])
            if let cut { since = max(since, cut) }
            for row in try Row.fetchAll(db, sql: SQLiteConsoleStatements.finished, arguments: [since, since]) {
                tally.addFinished(String.fromDatabaseValue(row[0]) ?? "", status: String.fromDatabaseValue(row[1]) ?? "", count: Self.consoleCount(row[2]))
            }
            return RecentCounts(queues: tally.counts, finishedSince: DatabaseTime.date(since), finishedLimited: cut != nil)
        }
    }

    public func taskPage(matching query: TaskListQuery) async throws -> TaskListPage {
        guard let upper = query.highestID else { return TaskListPage(tasks: [], nextCursor: nil, searchStopped: false) }
        return try read { db in
            if query.onlyLiveStatuses {
                let (sql, arguments) = SQLiteConsoleStatements.page(query, upper: upper, lower: Int64.min)
                let tasks = try Row.fetchAll(db, sql: sql, arguments: arguments).map { TaskRecord(row: $0) }
                return TaskListPage(tasks: tasks, nextCursor: tasks.count == query.clampedLimit ? tasks.last?.id : nil, searchStopped: false)
            }
            let floor = try Int64.fetchOne(db, sql: SQLiteConsoleStatements.windowFloor, arguments: [upper, query.clampedExamineLimit - 1])
            let (sql, arguments) = SQLiteConsoleStatements.page(query, upper: upper, lower: floor ?? Int64.min)
            let tasks = try Row.fetchAll(db, sql: sql, arguments: arguments).map { TaskRecord(row: $0) }
            if tasks.count == query.clampedLimit { return TaskListPage(tasks: tasks, nextCursor: tasks.last?.id, searchStopped: false) }
            guard let floor, try Bool.fetchOne(db, sql: SQLiteConsoleStatements.anyBelow, arguments: [floor]) == true else {
                return TaskListPage(tasks: tasks, nextCursor: nil, searchStopped: false)
            }
            return TaskListPage(tasks: tasks, nextCursor: TaskResultID(rawValue: floor), searchStopped: true)
        }
    }

    /// A count as SQLite returns it (INTEGER from `count`, REAL from `total`), clamped into `Int` without trapping.
    private static func consoleCount(_ value: DatabaseValue) -> Int {
        guard let number = Double.fromDatabaseValue(value), number.isFinite else { return 0 }
        return number >= Double(Int.max) ? Int.max : max(0, Int(number))
    }
}
