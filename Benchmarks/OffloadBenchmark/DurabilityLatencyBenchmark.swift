import Foundation
import Offload
import OffloadSQLite

/// Part "durability", latency: enqueue → start p50/p99/max with one idle supervised worker, the enqueues
/// committed at FULL and at NORMAL, tasks 20 ms and 50 ms apart (issue 13: at FULL a third of the tasks used
/// to wait for the next enqueue, because the WAL watch fires before a commit is visible).
struct DurabilityLatencyBenchmark {
    static let section = "4b Enqueue → start by durability"
    static let gaps: [Duration] = [.milliseconds(20), .milliseconds(50)]

    let options: BenchmarkOptions

    func run(report: BenchmarkReport) async throws {
        Console.line("\n[4b] Enqueue → start at FULL and NORMAL, tasks 20 and 50 ms apart")
        let database = try SQLiteScratchStore(directory: options.directory, name: "durability-latency", worker: options.worker)
        let count = options.quick ? 40 : 200
        try await SupervisorSession.with(options: options, database: database, workers: 1) { session in
            try await Task.sleep(for: .seconds(1))
            for durability in [SQLiteDurability.normal, .full] {
                var configuration = SQLiteStoreConfiguration()
                configuration.watchesWAL = false
                configuration.durability = durability
                let app = try SQLiteTaskStore(path: database.location, configuration: configuration)
                for gap in Self.gaps {
                    let latency = try await LatencyProbe.measure(enqueuingInto: app, count: count, gap: gap)
                    report.add(Figure(
                        section: Self.section, name: "durability \(durability), one task every \(gap)",
                        value: latency.total.p99, unit: "ms p99", display: latency.total.summary,
                        note: "\(latency.total.count) tasks to 1 idle worker, from stored enqueued_at and started_at; \(latency.note)"))
                }
            }
        }
    }
}
