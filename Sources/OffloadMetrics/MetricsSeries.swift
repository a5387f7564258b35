import Offload

/// The store's counter rows summed into Prometheus series, with task names and queues capped.
struct MetricsSeries {
    private var counters: [String: [SeriesKey: Int]] = [:]
    private var histograms: [String: [SeriesKey: Histogram]] = [:]
    private var supervisorEvents: [String: Int] = [:]
    private let keptTaskNames: Set<String>
    private let keptQueues: Set<String>
    let foldedTaskNames: Int

    struct SeriesKey: Hashable, Comparable {
        var queue: String
        var task: String
        var status: String
        static func < (a: SeriesKey, b: SeriesKey) -> Bool { (a.queue, a.task, a.status) < (b.queue, b.task, b.status) }
    }

    struct Histogram {
        var buckets = [Int](repeating: 0, count: TaskMetricsBuckets.upperBounds.count + 1)
        var sum: Double = 0
    }

    init(rows: [TaskMetricsRow], maximumTaskNames: Int, maximumQueues: Int) {
        // Keep the names most enqueued (ties by name, so the set is stable between scrapes).
        var enqueuedByTask: [String: Int] = [:]
        var enqueuedByQueue: [String: Int] = [:]
        for row in rows where row.event == "enqueued" {
            enqueuedByTask[row.taskName, default: 0] = enqueuedByTask[row.taskName, default: 0].addingClamped(row.count)
            enqueuedByQueue[row.queueName, default: 0] = enqueuedByQueue[row.queueName, default: 0].addingClamped(row.count)
        }
        func top(_ counts: [String: Int], _ limit: Int) -> Set<String> {
            Set(counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(max(0, limit)).map(\.key))
        }
        keptTaskNames = top(enqueuedByTask, maximumTaskNames)
        keptQueues = top(enqueuedByQueue, maximumQueues)
        foldedTaskNames = enqueuedByTask.count - keptTaskNames.count
        for row in rows {
            if row.event.hasPrefix("supervisor:") {
                let event = String(row.event.dropFirst("supervisor:".count))
                supervisorEvents[event, default: 0] = supervisorEvents[event, default: 0].addingClamped(row.count)
                continue
            }
            let queue = foldQueue(row.queueName)
            let task = keptTaskNames.contains(row.taskName) ? row.taskName : "other"
            switch row.event {
            case "enqueued", "retried", "recovered":
                add(row.event, SeriesKey(queue: queue, task: task, status: ""), row.count)
            case "wait":
                observe("wait", SeriesKey(queue: queue, task: task, status: ""), row)
            case let event where event.hasPrefix("run:"):
                observe("run", SeriesKey(queue: queue, task: task, status: Self.statusLabel(String(event.dropFirst(4)))), row)
            case "PENDING", "RUNNING", "":
                break
            default:
                add("finished", SeriesKey(queue: queue, task: task, status: Self.statusLabel(row.event)), row.count)
            }
        }
    }

    /// A queue kept, or `other`.
    func foldQueue(_ queue: String) -> String { keptQueues.contains(queue) ? queue : "other" }

    /// `SUCCESSFUL` → `successful`; anything that is not a plain word (garbage) → `other`.
    static func statusLabel(_ status: String) -> String {
        status.count <= 32 && status.allSatisfy({ $0.isLetter || $0 == "_" }) ? status.lowercased() : "other"
    }

    private mutating func add(_ family: String, _ key: SeriesKey, _ count: Int) {
        counters[family, default: [:]][key, default: 0] = counters[family, default: [:]][key, default: 0].addingClamped(count)
    }

    private mutating func observe(_ family: String, _ key: SeriesKey, _ row: TaskMetricsRow) {
        var histogram = histograms[family, default: [:]][key] ?? Histogram()
        let bucket = (0...TaskMetricsBuckets.infinityIndex).contains(row.bucket) ? row.bucket : TaskMetricsBuckets.infinityIndex
        histogram.buckets[bucket] = histogram.buckets[bucket].addingClamped(row.count)
        if row.sumSeconds.isFinite { histogram.sum += row.sumSeconds }
        histograms[family, default: [:]][key] = histogram
    }

    func write(into text: inout PrometheusText) {
        let families: [(family: String, name: String, help: String, status: Bool)] = [
            ("enqueued", "offload_tasks_enqueued_total", "Tasks enqueued.", false),
            ("finished", "offload_tasks_finished_total", "Tasks that reached a final status (successful, failed, cancelled…).", true),
            ("retried", "offload_task_attempts_retried_total", "Failed attempts that were followed by another (a retry, automatic or by an admin).", false),
            ("recovered", "offload_task_attempts_recovered_total", "Attempts settled by recovery after their worker died or vanished.", false),
        ]
        for family in families {
            text.family(family.name, type: "counter", help: family.help)
            for (key, value) in (counters[family.family] ?? [:]).sorted(by: { $0.key < $1.key }) {
                text.sample(family.name, labels(key, status: family.status), value)
            }
        }
        writeHistogram("wait", name: "offload_task_wait_seconds", help: "Time from enqueue to the task's first claim by a worker.", status: false, into: &text)
        writeHistogram("run", name: "offload_task_run_seconds", help: "Time from the last attempt's claim to the task's final outcome, by outcome.", status: true, into: &text)
        text.family("offload_supervisor_events_total", type: "counter", help: "Supervisors' events: worker spawns, crashes, hung kills, restarts, reloads, recoveries.")
        for (event, value) in supervisorEvents.sorted(by: { $0.key < $1.key }) {
            text.sample("offload_supervisor_events_total", [("event", Self.statusLabel(event))], value)
        }
    }

    private func labels(_ key: SeriesKey, status: Bool) -> [(String, String)] {
        var labels = [("queue", key.queue), ("task", key.task)]
        if status { labels.append(("status", key.status)) }
        return labels
    }

    private func writeHistogram(_ family: String, name: String, help: String, status: Bool, into text: inout PrometheusText) {
        text.family(name, type: "histogram", help: help)
        for (key, histogram) in (histograms[family] ?? [:]).sorted(by: { $0.key < $1.key }) {
            var cumulative = 0
            for (index, count) in histogram.buckets.enumerated() {
                cumulative = cumulative.addingClamped(count)
                let bound = index < TaskMetricsBuckets.upperBounds.count ? PrometheusText.format(TaskMetricsBuckets.upperBounds[index]) : "+Inf"
                text.sample(name + "_bucket", labels(key, status: status) + [("le", bound)], cumulative)
            }
            text.sample(name + "_sum", labels(key, status: status), histogram.sum)
            text.sample(name + "_count", labels(key, status: status), cumulative)
        }
    }
}
