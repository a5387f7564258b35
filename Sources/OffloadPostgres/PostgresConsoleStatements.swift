import Foundation
import Offload
import PostgresNIO

/// The SQL of the console's Overview and task list on PostgreSQL, public so a test can check each statement's
/// plan with `EXPLAIN`: every one searches an index (or the primary key in a bounded range), never the table.
public struct PostgresConsoleStatements: Sendable {
    let task: String

    public init(taskTable: String) { task = taskTable }

    /// The task table's qualified name.
    public var taskTable: String { task }

    /// Pending tasks per queue (the partial index of pending rows).
    public var pending: String {
        """
        SELECT queue_name, count(*), count(*) FILTER (WHERE run_after > $1), min(run_after) FILTER (WHERE run_after <= $1)
        FROM \(task) WHERE status = 'PENDING' GROUP BY queue_name
        """
    }

    /// Running tasks per queue (the partial index of running rows).
    public var running: String { "SELECT queue_name, count(*) FROM \(task) WHERE status = 'RUNNING' GROUP BY queue_name" }

    /// Tasks finished since `$1`: a range of the partial indexes on finished time.
    public var finished: String {
        """
        SELECT queue_name, status, count(*) FROM \(task) WHERE status IN ('SUCCESSFUL', 'FAILED') AND finished_at >= $1 GROUP BY 1, 2
        UNION ALL
        SELECT queue_name, 'CANCELLED', count(*) FROM \(task) WHERE status = 'CANCELLED' AND finished_at >= $1 GROUP BY 1
        """
    }

    /// The finish time of the `$2 + 1`-th most recent success or failure at or after `$1`: where the finished
    /// counts' window starts when more finished in it.
    public var finishedCut: String {
        "SELECT finished_at FROM \(task) WHERE status IN ('SUCCESSFUL', 'FAILED') AND finished_at >= $1 ORDER BY finished_at DESC OFFSET $2 LIMIT 1"
    }

    /// The id `$2` rows below `$1`: the lowest row one page may examine.
    public var windowFloor: String { "SELECT id FROM \(task) WHERE id <= $1 ORDER BY id DESC OFFSET $2 LIMIT 1" }

    /// Whether any row lies below `$1`.
    public var anyBelow: String { "SELECT EXISTS (SELECT 1 FROM \(task) WHERE id < $1)" }

    /// The page's statement. Only live statuses: their partial indexes (few rows), fenced by `OFFSET 0` so the
    /// planner filters through them first instead of walking the primary key down through every finished row
    /// to fill the `LIMIT`. Otherwise: the primary key between `upper` and `lower`, filters applied to those rows.
    public func page(_ query: TaskListQuery, upper: Int64, lower: Int64) -> PostgresQuery {
        var clauses: [String] = []
        var binds = PostgresBindings()
        if let queue = query.queueName { binds.append(queue); clauses.append("queue_name = $\(binds.count)") }
        if let name = query.taskName { binds.append(name); clauses.append("task_name = $\(binds.count)") }
        if let from = query.enqueuedFrom { binds.append(from); clauses.append("enqueued_at >= $\(binds.count)") }
        if let before = query.enqueuedBefore { binds.append(before); clauses.append("enqueued_at < $\(binds.count)") }
        if let text = query.argumentsContain, !text.isEmpty { binds.append(text); clauses.append("strpos(arguments, $\(binds.count)) > 0") }
        binds.append(upper)
        clauses.append("id <= $\(binds.count)")
        // Status literals come from the enum, never from user text.
        if query.onlyLiveStatuses {
            // One branch per status: `status IN (…)` over two partial indexes is planned as a scan of the table.
            let branches = query.statuses.map(\.rawValue).sorted().map { status in
                "SELECT \(TaskRecord.postgresSelection) FROM \(task) WHERE status = '\(status)' AND \(clauses.joined(separator: " AND "))"
            }
            binds.append(query.clampedLimit)
            return PostgresQuery(unsafeSQL: """
                SELECT * FROM (\(branches.joined(separator: " UNION ALL ")) OFFSET 0) AS live ORDER BY id DESC LIMIT $\(binds.count)
                """, binds: binds)
        }
        if !query.statuses.isEmpty { clauses.append("status IN (\(query.statuses.map { "'\($0.rawValue)'" }.sorted().joined(separator: ", ")))") }
        binds.append(lower)
        clauses.append("id >= $\(binds.count)")
        binds.append(query.clampedLimit)
        return PostgresQuery(unsafeSQL: "SELECT \(TaskRecord.postgresSelection) FROM \(task) WHERE \(clauses.joined(separator: " AND ")) ORDER BY id DESC LIMIT $\(binds.count)", binds: binds)
    }
}
