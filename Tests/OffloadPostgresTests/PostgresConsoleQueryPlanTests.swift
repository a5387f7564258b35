import Foundation
import Offload
import OffloadPostgres
import PostgresNIO
import Testing

/// Every query of the console's Overview and task list on PostgreSQL searches an index: none reads the task table
/// in full. With sequential scans disabled the planner still picks one when no index can serve a query, so a
/// tiny test table shows what a large one would get.
@Suite("PostgreSQL console query plans", .enabled(if: PostgresTestServer.isConfigured, PostgresTestServer.skipReason))
struct PostgresConsoleQueryPlanTests {
    /// The plan's lines that read the task table in full: a sequential scan, or the primary key with no bound.
    static func unboundedSteps(_ query: PostgresQuery, on connection: PostgresConnection) async throws -> [String] {
        let lines = try await connection.query(PostgresQuery(unsafeSQL: "EXPLAIN " + query.sql, binds: query.binds), logger: PostgresTestServer.logger)
            .collect().map { try $0.decode(String.self) }
        var bad: [String] = []
        for (index, line) in lines.enumerated() {
            if line.contains("Seq Scan on offload_task") { bad.append(line) }
            if line.contains("using offload_task_pkey") && !(lines.dropFirst(index + 1).first?.contains("Index Cond") ?? false) { bad.append(line) }
        }
        return bad
    }

    @Test("the overview's counts and every task list filter are index searches; the old whole-table count is caught")
    func plans() async throws {
        try await PostgresTestServer.withStore { store, _ in
            _ = try await store.enqueue(TaskRequest(taskName: "t", arguments: "{}"))
            let statements = store.consoleStatements
            let now = Date()
            let day = now.addingTimeInterval(-86_400)
            var binds = PostgresBindings()
            binds.append(now)
            let overview = [
                PostgresQuery(unsafeSQL: statements.pending, binds: binds),
                PostgresQuery(unsafeSQL: statements.running),
                PostgresQuery(unsafeSQL: statements.finished, binds: binds),
                PostgresQuery(unsafeSQL: statements.finishedCut, binds: { var cut = binds; cut.append(Int64(49_999)); return cut }()),
            ]
            var cursor = PostgresBindings()
            cursor.append(Int64.max)
            cursor.append(Int64(9_999))
            var below = PostgresBindings()
            below.append(Int64(5))
            let pages = [
                TaskListQuery(), TaskListQuery(statuses: [.failed]), TaskListQuery(statuses: [.successful, .failed]),
                TaskListQuery(statuses: [.cancelled, .pending]), TaskListQuery(statuses: [.pending]), TaskListQuery(statuses: [.running]),
                TaskListQuery(statuses: [.pending, .running], queueName: "email", taskName: "mail"), TaskListQuery(queueName: "email"),
                TaskListQuery(taskName: "mail"), TaskListQuery(enqueuedFrom: day, enqueuedBefore: now), TaskListQuery(argumentsContain: "bob"),
            ].map { statements.page($0, upper: Int64.max, lower: 1) }
            let queries = overview + [PostgresQuery(unsafeSQL: statements.windowFloor, binds: cursor), PostgresQuery(unsafeSQL: statements.anyBelow, binds: below)] + pages
            let (steps, old) = try await store.withTransaction { connection in
                _ = try await connection.query("SET LOCAL enable_seqscan = off", logger: PostgresTestServer.logger).collect()
                var steps: [[String]] = []
                for query in queries { steps.append(try await Self.unboundedSteps(query, on: connection)) }
                let old = try await Self.unboundedSteps(PostgresQuery(unsafeSQL: "SELECT queue_name, status, count(*) FROM \(statements.taskTable) GROUP BY 1, 2"), on: connection)
                return (steps, old)
            }
            for (query, bad) in zip(queries, steps) { #expect(bad == [], "\(query.sql)") }
            #expect(!old.isEmpty, "the check can fail: a count of every row reads the table in full")
        }
    }
}
