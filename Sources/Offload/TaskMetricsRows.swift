import Foundation

/// The monotonic counters a store keeps for the metrics exporter (docs/metrics.md), as rows of one shape.
///
/// A store derives most of them from the rows it holds (grouped counts, no cost on the worker's path) and adds
/// what left the table: a row deleted by a prune, or a finished row put back to PENDING by an admin retry, first
/// folds its share into a counters table, so no counter ever goes backwards.
public struct TaskMetricsRow: Sendable, Equatable {
    /// Empty for events that belong to no queue (the supervisor's).
    public var queueName: String
    public var taskName: String
    /// `enqueued`, a finished status (`SUCCESSFUL`, `FAILED`…), `retried`, `recovered`, `wait`, `run:STATUS`,
    /// or `supervisor:EVENT`.
    public var event: String
    /// For a histogram, the index into ``TaskMetricsBuckets/upperBounds`` (the last index is +Inf); else -1.
    public var bucket: Int
    public var count: Int
    /// For a histogram, the sum of the observations in seconds.
    public var sumSeconds: Double

    public init(queueName: String, taskName: String, event: String, bucket: Int = -1, count: Int, sumSeconds: Double = 0) {
        self.queueName = queueName
        self.taskName = taskName
        self.event = event
        self.bucket = bucket
        self.count = count
        self.sumSeconds = sumSeconds
    }

    /// The row key without the values, to add rows of the same series.
    public var key: String { "\(queueName)\u{0}\(taskName)\u{0}\(event)\u{0}\(bucket)" }
}

/// What a queue holds now, for the gauges.
public struct QueueGauges: Sendable, Equatable {
    public var queueName: String
    /// PENDING and due.
    public var ready: Int
    /// PENDING and not yet due (a delay or a retry's back-off).
    public var delayed: Int
    public var running: Int
    /// When the oldest ready task became due, if any is ready.
    public var oldestReadySince: Date?

    public init(queueName: String, ready: Int = 0, delayed: Int = 0, running: Int = 0, oldestReadySince: Date? = nil) {
        self.queueName = queueName
        self.ready = ready
        self.delayed = delayed
        self.running = running
        self.oldestReadySince = oldestReadySince
    }
}

/// The histogram buckets every store uses, so that rows from SQLite and PostgreSQL add up the same way.
public enum TaskMetricsBuckets {
    /// Upper bounds in seconds; observations above the last fall in one more bucket (+Inf).
    public static let upperBounds: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600]

    /// The index of the +Inf bucket.
    public static var infinityIndex: Int { upperBounds.count }

    /// A SQL `CASE` giving the bucket index of `seconds` (an expression); NULL or garbage lands in +Inf.
    public static func sqlCase(_ seconds: String) -> String {
        let branches = upperBounds.enumerated().map { "WHEN \(seconds) <= \($0.element) THEN \($0.offset)" }.joined(separator: " ")
        return "(CASE \(branches) ELSE \(infinityIndex) END)"
    }

    /// The events whose errors count as recovered after a worker died or vanished.
    public static let recoveredExceptionTypes = [TaskFailureKind.workerDied, TaskFailureKind.workerLost]
}
