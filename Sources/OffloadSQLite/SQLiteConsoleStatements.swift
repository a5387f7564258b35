import Foundation
import GRDB
import Offload

/// The SQL of the console's Overview and task list, public so a test can check each statement's plan with
/// `EXPLAIN QUERY PLAN`: every one must search an index (or the primary key in a bounded range), never scan
/// the table, so the console costs the same with a million finished rows as with none.
public enum SQLiteConsoleStatements {
    /// Pending tasks per queue (a covering walk of the partial index of pending rows).
    public static let pending = """
        SELECT CAST(queue_name AS TEXT), count(*), total(typeof(run_after) = 'integer' AND run_after > ?),
               min(CASE WHEN typeof(run_after) = 'integer' AND run_after <= ? THEN run_after END)
        FROM offload_task WHERE status = 'PENDING' GROUP BY queue_name
        """

    /// Running tasks per queue (the partial index of running rows).
    public static let running = "SELECT CAST(queue_name AS TEXT), count(*) FROM offload_task WHERE status = 'RUNNING' GROUP BY queue_name"

    /// Tasks finished since a time: a range of the partial indexes on finished time. A finished time that is
    /// not an integer (a garbage row) sorts above every integer in SQLite, so it is excluded rather than
    /// counted as recent forever.
    public static let finished = """
        SELECT CAST(queue_name AS TEXT), CAST(status AS TEXT), count(*) FROM offload_task
        WHERE status IN ('SUCCESSFUL', 'FAILED') AND finished_at >= ? AND typeof(finished_at) = 'integer' GROUP BY 1, 2
        UNION ALL
        SELECT CAST(queue_name AS TEXT), 'CANCELLED', count(*) FROM offload_task
        WHERE status = 'CANCELLED' AND finished_at >= ? AND typeof(finished_at) = 'integer' GROUP BY 1
        """

    /// The finish time of the N-th most recent success or failure at or after a time (a walk of the finished-time
    /// index from its end): where the finished counts' window starts when more than N finished in it.
    public static let finishedCut = """
        SELECT finished_at FROM offload_task
        WHERE status IN ('SUCCESSFUL', 'FAILED') AND finished_at >= ? AND typeof(finished_at) = 'integer'
        ORDER BY finished_at DESC LIMIT 1 OFFSET ?
        """

    /// The id `examineLimit` rows below the cursor: the lowest row one page may examine.
    public static let windowFloor = "SELECT id FROM offload_task WHERE id <= ? ORDER BY id DESC LIMIT 1 OFFSET ?"

    /// Whether any row lies below an id.
    public static let anyBelow = "SELECT EXISTS (SELECT 1 FROM offload_task WHERE id < ?)"

    /// The page's statement and its arguments. Only live statuses: a search of their partial indexes (few
    /// rows), sorted by id. Otherwise: the primary key between `upper` and `lower` (at most the examine limit's
    /// rows), every filter applied to those rows only. `NOT INDEXED` keeps the planner on that range rather than
    /// on a partial index that a status filter matches but that holds every finished row.
    public static func page(_ query: TaskListQuery, upper: Int64, lower: Int64) -> (sql: String, arguments: StatementArguments) {
        var filters: [String] = []
        var arguments: StatementArguments = []
        if let queue = query.queueName { filters.append("queue_name = ?"); arguments += [queue] }
        if let name = query.taskName { filters.append("task_name = ?"); arguments += [name] }
        if let from = query.enqueuedFrom { filters.append("enqueued_at >= ?"); arguments += [DatabaseTime.micros(from)] }
        if let before = query.enqueuedBefore { filters.append("enqueued_at < ?"); arguments += [DatabaseTime.micros(before)] }
        if let text = query.argumentsContain, !text.isEmpty { filters.append("instr(arguments, ?) > 0"); arguments += [text] }
        filters.append("id <= ?")
        arguments += [upper]
        if query.onlyLiveStatuses {
            var parts: [String] = []
            var all: StatementArguments = []
            for status in query.statuses.sorted(by: { $0.rawValue < $1.rawValue }) {
                let index = status == .running ? "offload_task_running" : (query.queueName == nil ? "offload_task_ready" : "offload_task_ready_by_queue")
                // The literal comes from the enum, never from user text.
                parts.append("SELECT \(TaskRecord.selection) FROM offload_task INDEXED BY \(index) WHERE status = '\(status.rawValue)' AND \(filters.joined(separator: " AND "))")
                all += arguments
            }
            all += [query.clampedLimit]
            return (parts.joined(separator: " UNION ALL ") + " ORDER BY id DESC LIMIT ?", all)
        }
        if !query.statuses.isEmpty {
            filters.append("status IN (\(query.statuses.map { "'\($0.rawValue)'" }.sorted().joined(separator: ", ")))")
        }
        filters.append("id >= ?")
        arguments += [lower, query.clampedLimit]
        return ("SELECT \(TaskRecord.selection) FROM offload_task NOT INDEXED WHERE \(filters.joined(separator: " AND ")) ORDER BY id DESC LIMIT ?", arguments)
    }
}
