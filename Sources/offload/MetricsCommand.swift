import ArgumentParser
import Foundation
import Offload
import OffloadMetrics

/// `offload metrics`: the Prometheus exposition of the database's counters and gauges (docs/metrics.md), for
/// node_exporter's textfile collector or a one-off look.
struct MetricsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Print the Prometheus metrics of the database (text format).",
        discussion: "For node_exporter's textfile collector, write to a temporary file and rename it: offload metrics --database … > dir/offload.prom.tmp && mv dir/offload.prom.tmp dir/offload.prom")

    @OptionGroup var database: DatabaseOptions

    @Option(name: .long, help: "Distinct task names exported before the rest are summed as task=\"other\".")
    var maxTaskNames = 200

    @Option(name: .long, help: "Seconds without a heartbeat after which a worker counts as stale.")
    var staleAfter = 30

    func validate() throws {
        guard maxTaskNames >= 1 else { throw ValidationError("--max-task-names must be at least 1, not \(maxTaskNames).") }
        guard staleAfter >= 1 else { throw ValidationError("--stale-after must be at least 1 second, not \(staleAfter).") }
    }

    func run() async throws {
        let store = try await database.openStore()
        let exporter = OffloadMetricsExporter(store: store, maximumTaskNames: maxTaskNames, staleWorkerAfter: .seconds(staleAfter))
        print(try await exporter.exposition(), terminator: "")
    }
}
