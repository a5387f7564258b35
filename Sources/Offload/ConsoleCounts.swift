import Foundation

/// What the console's Overview shows for one queue, read without counting the whole table: the live statuses
/// in full (they are few, and partial indexes hold them), the finished ones over a recent window only (a range
/// of the index on finished time), so the answer costs the same with a million old results as with none.
public struct RecentQueueCounts: Sendable, Equatable, Codable {
    public var queueName: String
    /// Pending tasks whose time has come (a run-after that is not a time counts as ready, as the claim treats it).
    public var ready: Int
    /// Pending tasks waiting for their run-after time.
    public var delayed: Int
    public var running: Int
    /// Finished since the window's start.
    public var succeeded: Int
    public var failed: Int
    public var cancelled: Int
    /// The run-after time of the oldest ready task; `nil` when none is ready.
    public var oldestReadySince: Date?

    public init(queueName: String, ready: Int = 0, delayed: Int = 0, running: Int = 0, succeeded: Int = 0, failed: Int = 0, cancelled: Int = 0, oldestReadySince: Date? = nil) {
        self.queueName = queueName
        self.ready = ready
        self.delayed = delayed
        self.running = running
        self.succeeded = succeeded
        self.failed = failed
        self.cancelled = cancelled
        self.oldestReadySince = oldestReadySince
    }

    public var pending: Int { ready.addingReportingOverflow(delayed).overflow ? Int.max : ready + delayed }
}

extension RecentQueueCounts {
    /// Merges the stores' separate answers (pending, running, finished) into one entry per queue, sorted by name.
    public struct Tally {
        private var byQueue: [String: RecentQueueCounts] = [:]

        public init() {}

        /// Changes one queue's entry, creating it if needed. Callers add rather than assign: two stored spellings
        /// of one name (text and a number, in a garbage row) read as the same queue.
        public mutating func update(_ queue: String, _ change: (inout RecentQueueCounts) -> Void) {
            var entry = byQueue[queue] ?? RecentQueueCounts(queueName: queue)
            change(&entry)
            byQueue[queue] = entry
        }

        /// Adds a finished count under its status; an unknown or unfinished status is skipped.
        public mutating func addFinished(_ queue: String, status: String, count: Int) {
            update(queue) { entry in
                switch TaskStatus(rawValue: status) {
                case .successful: entry.succeeded = Self.sum(entry.succeeded, count)
                case .failed: entry.failed = Self.sum(entry.failed, count)
                case .cancelled: entry.cancelled = Self.sum(entry.cancelled, count)
                case .pending, .running, nil: break
                }
            }
        }

        public var counts: [RecentQueueCounts] { byQueue.values.sorted { $0.queueName < $1.queueName } }

        public static func sum(_ a: Int, _ b: Int) -> Int {
            let (value, overflow) = a.addingReportingOverflow(b)
            return overflow ? Int.max : value
        }
    }
}

/// The Overview's counts, and the window their finished counts cover.
public struct RecentCounts: Sendable, Equatable {
    public var queues: [RecentQueueCounts]
    /// The start of the finished counts' window: the time asked for, or later when the limit cut it short.
    public var finishedSince: Date
    /// More tasks finished since the time asked for than the limit: the window starts later.
    public var finishedLimited: Bool

    public init(queues: [RecentQueueCounts], finishedSince: Date, finishedLimited: Bool) {
        self.queues = queues
        self.finishedSince = finishedSince
        self.finishedLimited = finishedLimited
    }
}

/// One page of the console's task list and where the next one starts.
public struct TaskListPage: Sendable, Equatable {
    public var tasks: [TaskRecord]
    /// Where the next page starts (`TaskListQuery.before`), or `nil` when no older task can match.
    public var nextCursor: TaskResultID?
    /// The store stopped after examining `TaskListQuery.clampedExamineLimit` rows without filling the page:
    /// the tasks found so far are shown and `nextCursor` continues the search below the last row examined.
    public var searchStopped: Bool

    public init(tasks: [TaskRecord], nextCursor: TaskResultID?, searchStopped: Bool) {
        self.tasks = tasks
        self.nextCursor = nextCursor
        self.searchStopped = searchStopped
    }
}
