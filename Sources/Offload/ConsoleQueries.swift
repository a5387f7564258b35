import Foundation

/// What the web console's Tasks page asks for: filters plus a keyset cursor (never OFFSET), newest first.
///
/// Tasks are listed by id, descending: ids grow in the order of enqueueing on both stores, so the id is the
/// sort key and the cursor at once, and a page costs the same at row one million as at row one.
public struct TaskListQuery: Sendable, Equatable {
    /// Only these statuses; empty for all.
    public var statuses: Set<TaskStatus>
    public var queueName: String?
    public var taskName: String?
    /// Only tasks enqueued at or after this time.
    public var enqueuedFrom: Date?
    /// Only tasks enqueued before this time.
    public var enqueuedBefore: Date?
    /// Only tasks whose arguments' JSON text contains this text (case-sensitive, as stored).
    public var argumentsContain: String?
    /// The cursor: only tasks with a smaller id than this one (the last id of the previous page).
    public var before: TaskResultID?
    /// At most this many tasks (clamped to `1...1000` by the stores).
    public var limit: Int
    /// At most this many rows examined for one page when a filter has no index to search (clamped to
    /// `1...100_000`): the page then ends early, marked `TaskListPage.searchStopped`.
    public var examineLimit: Int = 10_000

    public init(statuses: Set<TaskStatus> = [], queueName: String? = nil, taskName: String? = nil, enqueuedFrom: Date? = nil, enqueuedBefore: Date? = nil, argumentsContain: String? = nil, before: TaskResultID? = nil, limit: Int = 50) {
        self.statuses = statuses
        self.queueName = queueName
        self.taskName = taskName
        self.enqueuedFrom = enqueuedFrom
        self.enqueuedBefore = enqueuedBefore
        self.argumentsContain = argumentsContain
        self.before = before
        self.limit = limit
    }

    /// The limit a store applies: at least one row, at most a thousand.
    public var clampedLimit: Int { min(max(limit, 1), 1000) }

    /// The examine limit a store applies.
    public var clampedExamineLimit: Int { min(max(examineLimit, 1), 100_000) }

    /// Whether every status asked for is a live one (PENDING, RUNNING): those few rows sit in partial indexes,
    /// so the page is an index search over them, not a bounded walk over every task.
    public var onlyLiveStatuses: Bool { !statuses.isEmpty && statuses.allSatisfy { !$0.isFinished } }
}

/// Tasks finished in one minute: the Overview's throughput and failure chart.
public struct FinishedPerMinute: Sendable, Equatable, Codable {
    /// The minute's start.
    public var minute: Date
    public var succeeded: Int
    public var failed: Int

    public init(minute: Date, succeeded: Int, failed: Int) {
        self.minute = minute
        self.succeeded = succeeded
        self.failed = failed
    }
}

extension FinishedPerMinute {
    /// Folds `(minute number since 1970, status, count)` rows into one entry per minute, oldest first.
    public static func tally(_ rows: [(minute: Int64, status: String, count: Int)]) -> [FinishedPerMinute] {
        var byMinute: [Int64: FinishedPerMinute] = [:]
        for row in rows {
            var entry = byMinute[row.minute] ?? FinishedPerMinute(minute: Date(timeIntervalSince1970: Double(row.minute) * 60), succeeded: 0, failed: 0)
            switch TaskStatus(rawValue: row.status) {
            case .successful: entry.succeeded += row.count
            case .failed: entry.failed += row.count
            default: break
            }
            byMinute[row.minute] = entry
        }
        return byMinute.keys.sorted().compactMap { byMinute[$0] }
    }
}

extension TaskListQuery {
    /// The highest id a page may show: just below the cursor, which is exclusive, or any id without one;
    /// `nil` when the cursor is the lowest id there is, so nothing lies below it.
    public var highestID: Int64? {
        guard let cursor = before else { return Int64.max }
        return cursor.rawValue > Int64.min ? cursor.rawValue - 1 : nil
    }
}
