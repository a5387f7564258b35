import Foundation
import Offload
import Prometheus

/// The Prometheus exposition of a store's metrics (docs/metrics.md): counters and histograms that never go
/// backwards (kept in the database, so every host's work is counted once and prunes and restarts lose nothing),
/// and gauges read at scrape time.
///
/// Labels are bounded: queue, task name, status, state, event; never ids or arguments. Past
/// `maximumTaskNames` distinct task names (the most enqueued kept) the rest are summed under the task name
/// `other`, and `offload_metrics_task_names_folded` says how many were; queues likewise past `maximumQueues`.
///
/// ```swift
/// let exporter = OffloadMetricsExporter(store: store)
/// let text = try await exporter.exposition()   // serve as text/plain; version=0.0.4
/// ```
public struct OffloadMetricsExporter: Sendable {
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    public let store: any TaskStore
    public var maximumTaskNames: Int
    public var maximumQueues: Int
    /// A worker whose heartbeat is older than this is counted as stale.
    public var staleWorkerAfter: Duration
    /// A registry of this process's own metrics (swift-prometheus), appended to the exposition when given.
    public var registry: PrometheusCollectorRegistry?

    public init(store: any TaskStore, maximumTaskNames: Int = 200, maximumQueues: Int = 100, staleWorkerAfter: Duration = .seconds(30), registry: PrometheusCollectorRegistry? = nil) {
        self.store = store
        self.maximumTaskNames = maximumTaskNames
        self.maximumQueues = maximumQueues
        self.staleWorkerAfter = staleWorkerAfter
        self.registry = registry
    }

    /// The whole exposition, read from the store now.
    public func exposition(at now: Date = Date()) async throws -> String {
        let rows = try await store.metricsRows()
        let gauges = try await store.queueGauges(at: now)
        let workers = try await store.workers()
        var text = PrometheusText()
        let series = MetricsSeries(rows: rows, maximumTaskNames: maximumTaskNames, maximumQueues: maximumQueues)
        series.write(into: &text)
        writeGauges(gauges, workers: workers, now: now, foldQueue: series.foldQueue, into: &text)
        text.family("offload_metrics_task_names_folded", type: "gauge", help: "Distinct task names summed under task=\"other\" to keep the label set bounded.")
        text.sample("offload_metrics_task_names_folded", [], series.foldedTaskNames)
        var output = text.output
        if let registry { output += registry.emitToString() }
        return output
    }

    private func writeGauges(_ gauges: [QueueGauges], workers: [WorkerRecord], now: Date, foldQueue: (String) -> String, into text: inout PrometheusText) {
        var byQueue: [String: QueueGauges] = [:]
        for gauge in gauges {
            let queue = foldQueue(gauge.queueName)
            var total = byQueue[queue] ?? QueueGauges(queueName: queue)
            total.ready = total.ready.addingClamped(gauge.ready)
            total.delayed = total.delayed.addingClamped(gauge.delayed)
            total.running = total.running.addingClamped(gauge.running)
            if let since = gauge.oldestReadySince { total.oldestReadySince = min(total.oldestReadySince ?? since, since) }
            byQueue[queue] = total
        }
        let queues = byQueue.keys.sorted()
        text.family("offload_queue_tasks", type: "gauge", help: "Tasks in a queue now: ready (due), delayed (not yet due), running.")
        for queue in queues {
            let gauge = byQueue[queue]!
            text.sample("offload_queue_tasks", [("queue", queue), ("state", "ready")], gauge.ready)
            text.sample("offload_queue_tasks", [("queue", queue), ("state", "delayed")], gauge.delayed)
            text.sample("offload_queue_tasks", [("queue", queue), ("state", "running")], gauge.running)
        }
        text.family("offload_queue_oldest_ready_age_seconds", type: "gauge", help: "How long the oldest ready task has been due: growing means the workers are falling behind.")
        for queue in queues {
            let age = byQueue[queue]!.oldestReadySince.map { max(0, now.timeIntervalSince($0)) } ?? 0
            text.sample("offload_queue_oldest_ready_age_seconds", [("queue", queue)], age)
        }
        var workerCounts: [[String]: Int] = [:]
        let staleBefore = now.addingTimeInterval(-staleWorkerAfter.seconds)
        for worker in workers {
            let key = [foldQueue(worker.queues), worker.state.count <= 32 ? worker.state : "other", worker.heartbeatAt < staleBefore ? "stale" : "fresh"]
            workerCounts[key, default: 0] += 1
        }
        text.family("offload_workers", type: "gauge", help: "Registered workers by the queues they serve, their state, and whether their heartbeat is fresh or stale.")
        for key in workerCounts.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            text.sample("offload_workers", [("queue", key[0]), ("state", key[1]), ("heartbeat", key[2])], workerCounts[key]!)
        }
    }
}

extension Int {
    func addingClamped(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }
}
