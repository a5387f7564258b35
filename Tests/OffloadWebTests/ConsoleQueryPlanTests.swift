import Foundation
import GRDB
import Offload
import OffloadSQLite
import OffloadTesting
import Testing

/// Every query the Overview and the task list run on SQLite searches an index or a bounded range of the primary
/// key: none scans `offload_task`, so the pages cost the same with a million finished rows as with none.
/// SQLite plans without statistics (no ANALYZE is ever run), so a small file gets the plan a large one gets.
@Suite struct ConsoleQueryPlanTests {
    /// Walking a partial index of live rows (pending, running) is bounded by the live rows, which are few.
    static let liveIndexes = ["offload_task_ready", "offload_task_ready_by_queue", "offload_task_running"]

    /// The plan rows that touch the task table without an index search or a walk of a live-row index.
    static func unboundedSteps(_ sql: String, _ arguments: StatementArguments, in db: Database) throws -> [String] {
        try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).compactMap { row -> String? in
            let detail: String = row["detail"]
            guard detail.contains("offload_task") else { return nil }
            if detail.hasPrefix("SEARCH ") { return nil }
            for index in liveIndexes where detail.hasSuffix("USING INDEX \(index)") || detail.hasSuffix("USING COVERING INDEX \(index)") { return nil }
            return detail
        }
    }

    static func database() async throws -> (TemporaryDirectory, SQLiteTaskStore, DatabaseQueue) {
        let directory = TemporaryDirectory("offload-plans")
        let store = try SQLiteTaskStore(path: directory.file("tasks.sqlite3"))
        _ = try await store.enqueue(TaskRequest(taskName: "t", arguments: "{}"))
        return (directory, store, try DatabaseQueue(path: directory.file("tasks.sqlite3")))
    }

    @Test("the overview's counts search indexes; the whole-table count they replace is caught as a scan")
    func overviewPlans() async throws {
        let (directory, store, queue) = try await Self.database()
        defer { _ = (directory, store) }
        let steps = try await queue.read { db in
            [try Self.unboundedSteps(SQLiteConsoleStatements.pending, [0, 0], in: db),
             try Self.unboundedSteps(SQLiteConsoleStatements.running, [], in: db),
             try Self.unboundedSteps(SQLiteConsoleStatements.finished, [0, 0], in: db),
             try Self.unboundedSteps(SQLiteConsoleStatements.finishedCut, [0, 49_999], in: db)]
        }
        #expect(steps == [[], [], [], []])
        // The check can fail: the old Overview's count of every row is a scan.
        let old = try await queue.read { db in try Self.unboundedSteps("SELECT queue_name, status, COUNT(*) FROM offload_task GROUP BY 1, 2", [], in: db) }
        #expect(old == ["SCAN offload_task"])
    }

    @Test("every filter of the task list is an index search or a bounded range of the primary key")
    func taskListPlans() async throws {
        let (directory, store, queue) = try await Self.database()
        defer { _ = (directory, store) }
        let day = Date()
        let queries: [TaskListQuery] = [
            TaskListQuery(),
            TaskListQuery(statuses: [.failed]),
            TaskListQuery(statuses: [.successful, .failed]),
            TaskListQuery(statuses: [.cancelled, .pending]),
            TaskListQuery(statuses: [.pending]),
            TaskListQuery(statuses: [.running]),
            TaskListQuery(statuses: [.pending, .running], queueName: "email", taskName: "mail"),
            TaskListQuery(statuses: [.pending], queueName: "email"),
            TaskListQuery(queueName: "email"),
            TaskListQuery(taskName: "mail"),
            TaskListQuery(enqueuedFrom: day.addingTimeInterval(-86_400), enqueuedBefore: day),
            TaskListQuery(argumentsContain: "bob"),
            TaskListQuery(statuses: [.failed], queueName: "email", taskName: "mail", enqueuedFrom: day, argumentsContain: "bob", before: TaskResultID(rawValue: 99)),
        ]
        let cursorSteps = try await queue.read { db in
            try Self.unboundedSteps(SQLiteConsoleStatements.windowFloor, [Int64.max, 9_999], in: db) + Self.unboundedSteps(SQLiteConsoleStatements.anyBelow, [5], in: db)
        }
        #expect(cursorSteps == [])
        for query in queries {
            let (sql, arguments) = SQLiteConsoleStatements.page(query, upper: Int64.max, lower: 1)
            let steps = try await queue.read { db in try Self.unboundedSteps(sql, arguments, in: db) }
            #expect(steps == [], "\(query)")
        }
    }
}
