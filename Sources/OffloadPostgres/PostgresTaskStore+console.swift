import Foundation
import Logging
import Offload
import PostgresNIO

/// The queries of the web console (docs/console.md).
extension PostgresTaskStore {
    public func tasks(matching query: TaskListQuery) async throws -> [TaskRecord] {
        var clauses: [String] = []
        var binds = PostgresBindings()
        if !query.statuses.isEmpty {
            // Literals from the enum, never user text.
            clauses.append("status IN (\(query.statuses.map { "'\($0.rawValue)'" }.sorted().joined(separator: ", ")))")
        }
        if let queue = query.queueName { binds.append(queue); clauses.append("queue_name = $\(binds.count)") }
        if let name = query.taskName { binds.append(name); clauses.append("task_name = $\(binds.count)") }
        if let from = query.enqueuedFrom { binds.append(from); clauses.append("enqueued_at >= $\(binds.count)") }
        if let before = query.enqueuedBefore { binds.append(before); clauses.append("enqueued_at < $\(binds.count)") }
        if let text = query.argumentsContain, !text.isEmpty { binds.append(text); clauses.append("strpos(arguments, $\(binds.count)) > 0") }
        if let cursor = query.before { binds.append(cursor.rawValue); clauses.append("id < $\(binds.count)") }
        binds.append(query.clampedLimit)
        let whereClause = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        let sql = PostgresQuery(unsafeSQL: "SELECT \(TaskRecord.postgresSelection) FROM \(names.task) \(whereClause) ORDER BY id DESC LIMIT $\(binds.count)", binds: binds)
        return try await withConnection { [self] connection in
            try await connection.query(sql, logger: logger).collect().map { TaskRecord(postgresRow: $0) }
        }
    }

    public func deleteFinished(ids: [TaskResultID]) async throws -> [TaskResultID] {
        guard !ids.isEmpty else { return [] }
        let raw = ids.map(\.rawValue)
        return try await withConnection { [self] connection in
            let rows = try await connection.query(PostgresQuery(unsafeSQL: "DELETE FROM \(names.task) WHERE id = ANY($1) AND status IN ('SUCCESSFUL', 'FAILED', 'CANCELLED') RETURNING id", binds: bindings(raw)), logger: logger).collect()
            return try rows.map { TaskResultID(rawValue: try $0.decode(Int64.self)) }.sorted()
        }
    }

    public func runNow(ids: [TaskResultID], at now: Date) async throws -> [TaskResultID] {
        guard !ids.isEmpty else { return [] }
        let raw = ids.map(\.rawValue)
        return try await inTransaction { [self] connection in
            let rows = try await connection.query(PostgresQuery(unsafeSQL: "UPDATE \(names.task) SET run_after = $1 WHERE id = ANY($2) AND status = 'PENDING' AND run_after > $1 RETURNING id", binds: bindings(now, raw)), logger: logger).collect()
            let changed = try rows.map { TaskResultID(rawValue: try $0.decode(Int64.self)) }.sorted()
            if !changed.isEmpty { try await notify(on: connection) }
            return changed
        }
    }

    public func finishedPerMinute(since: Date) async throws -> [FinishedPerMinute] {
        try await withConnection { [self] connection in
            // The partial index on finished rows (finished_at) bounds this to the hour's rows.
            let rows = try await connection.query(PostgresQuery(unsafeSQL: """
                SELECT floor(extract(epoch FROM finished_at) / 60)::bigint, status, count(*) FROM \(names.task)
                WHERE status IN ('SUCCESSFUL', 'FAILED') AND finished_at >= $1 GROUP BY 1, 2
                """, binds: bindings(since)), logger: logger).collect()
            return FinishedPerMinute.tally(try rows.map { row in
                let (minute, status, count) = try row.decode((Int64, String, Int).self)
                return (minute: minute, status: status, count: count)
            })
        }
    }

    public func oldestReady(at now: Date) async throws -> [String: Date] {
        try await withConnection { [self] connection in
            let rows = try await connection.query(PostgresQuery(unsafeSQL: """
                SELECT queue_name, min(run_after) FROM \(names.task) WHERE status = 'PENDING' AND run_after <= $1 GROUP BY queue_name
                """, binds: bindings(now)), logger: logger).collect()
            var oldest: [String: Date] = [:]
            for row in rows {
                let (queue, runAfter) = try row.decode((String, Date).self)
                oldest[queue] = runAfter
            }
            return oldest
        }
    }
}

/// The Overview's counts and the bounded task list (PostgresConsoleStatements holds their SQL).
extension PostgresTaskStore {
    public var consoleStatements: PostgresConsoleStatements { PostgresConsoleStatements(taskTable: names.task) }

    public func recentCounts(finishedSince: Date, finishedLimit: Int, at now: Date) async throws -> RecentCounts {
        let statements = consoleStatements
        return try await withConnection { [self] connection in
            var tally = RecentQueueCounts.Tally()
            for try await row in try await connection.query(PostgresQuery(unsafeSQL: statements.pending, binds: bindings(now)), logger: logger) {
                let (queue, count, delayed, oldest) = try row.decode((String, Int64, Int64, Date?).self)
                tally.update(queue) { entry in
                    entry.ready = Int(clamping: count - delayed)
                    entry.delayed = Int(clamping: delayed)
                    entry.oldestReadySince = oldest
                }
            }
            for try await row in try await connection.query(PostgresQuery(unsafeSQL: statements.running), logger: logger) {
                let (queue, count) = try row.decode((String, Int64).self)
                tally.update(queue) { $0.running = Int(clamping: count) }
            }
            var since = finishedSince
            let cutRows = try await connection.query(PostgresQuery(unsafeSQL: statements.finishedCut, binds: bindings(finishedSince, Int64(max(finishedLimit, 1) - 1))), logger: logger).collect()
            let cut = try cutRows.first?.decode(Date.self)
            if let cut { since = max(since, cut) }
            for try await row in try await connection.query(PostgresQuery(unsafeSQL: statements.finished, binds: bindings(since)), logger: logger) {
                let (queue, status, count) = try row.decode((String, String, Int64).self)
                tally.addFinished(queue, status: status, count: Int(clamping: count))
            }
            return RecentCounts(queues: tally.counts, finishedSince: since, finishedLimited: cut != nil)
        }
    }

    public func taskPage(matching query: TaskListQuery) async throws -> TaskListPage {
        guard let upper = query.highestID else { return TaskListPage(tasks: [], nextCursor: nil, searchStopped: false) }
        let statements = consoleStatements
        return try await withConnection { [self] connection in
            func records(_ sql: PostgresQuery) async throws -> [TaskRecord] {
                try await connection.query(sql, logger: logger).collect().map { TaskRecord(postgresRow: $0) }
            }
            if query.onlyLiveStatuses {
                let tasks = try await records(statements.page(query, upper: upper, lower: Int64.min))
                return TaskListPage(tasks: tasks, nextCursor: tasks.count == query.clampedLimit ? tasks.last?.id : nil, searchStopped: false)
            }
            let floorRows = try await connection.query(PostgresQuery(unsafeSQL: statements.windowFloor, binds: bindings(upper, Int64(query.clampedExamineLimit - 1))), logger: logger).collect()
            let floor = try floorRows.first.map { try $0.decode(Int64.self) }
            let tasks = try await records(statements.page(query, upper: upper, lower: floor ?? Int64.min))
            if tasks.count == query.clampedLimit { return TaskListPage(tasks: tasks, nextCursor: tasks.last?.id, searchStopped: false) }
            guard let floor else { return TaskListPage(tasks: tasks, nextCursor: nil, searchStopped: false) }
            let below = try await connection.query(PostgresQuery(unsafeSQL: statements.anyBelow, binds: bindings(floor)), logger: logger).collect()
            guard try below.first?.decode(Bool.self) == true else { return TaskListPage(tasks: tasks, nextCursor: nil, searchStopped: false) }
            return TaskListPage(tasks: tasks, nextCursor: TaskResultID(rawValue: floor), searchStopped: true)
        }
    }
}
