import Metrics
import Offload
import Synchronization

/// Per task name and outcome, a counter of attempts and a timer of their duration, through the swift-metrics API
/// (docs/metrics.md): the app bootstraps a backend (Prometheus, StatsD…) or none, and with none these are no-ops.
/// Handles are made once per name and outcome (bounded by the tasks the worker registers) and reused.
enum WorkerMetrics {
    private static let handles = Mutex<[String: (Counter, Timer)]>([:])

    static func record(_ task: ClaimedTask, _ result: TaskOutcome.Result, duration: Duration) {
        let outcome = switch result {
        case .succeeded: "succeeded"
        case .failed(_, .some): "retrying"
        case .failed(_, nil): "failed"
        case .snoozed: "snoozed"
        }
        let key = task.taskName + "\u{0}" + outcome
        let (counter, timer) = handles.withLock { handles in
            if let known = handles[key] { return known }
            let dimensions = [("task", task.taskName), ("queue", task.queueName), ("outcome", outcome)]
            let made = (Counter(label: "offload_worker_attempts_total", dimensions: dimensions),
                        Timer(label: "offload_worker_attempt_duration_seconds", dimensions: dimensions, preferredDisplayUnit: .seconds))
            handles[key] = made
            return made
        }
        counter.increment()
        let (seconds, attoseconds) = duration.components
        let nanoseconds = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        timer.recordNanoseconds(nanoseconds.overflow ? Int64.max : nanoseconds.partialValue.addingReportingOverflow(attoseconds / 1_000_000_000).partialValue)
    }
}
