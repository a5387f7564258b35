import Foundation
import Metrics
import Offload
import OffloadSQLite
import OffloadWorker
import Prometheus

/// The worker `offload-benchmark` has its supervisor run: one no-op task and the SQLite store, nothing
/// else, which is what a small SQLite deployment's worker links. Its CPU per task and its memory are
/// then Offload's own, not those of test tasks or of drivers it never uses.
///
/// `BENCHMARK_WORKER_METRICS=prometheus` bootstraps swift-prometheus's `PrometheusMetricsFactory` before
/// the worker starts, as docs/metrics.md tells an app to: the console part measures the drain with and
/// without the worker's own metrics (the same executable both ways, so only the bootstrap differs).
/// Any other value is refused at start, so that a typo never measures "no metrics" by mistake.
@main
struct BenchmarkWorkerMain {
    static let metricsVariable = "BENCHMARK_WORKER_METRICS"

    static func main() async {
        switch ProcessInfo.processInfo.environment[metricsVariable] {
        case nil, "", "none":
            break
        case "prometheus":
            MetricsSystem.bootstrap(PrometheusMetricsFactory())
        case let other?:
            FileHandle.standardError.write(Data("offload-benchmark-worker: \(metricsVariable)=\(other) is not \"prometheus\" or \"none\"\n".utf8))
            exit(78)
        }
        let registry = TaskRegistry()
        registry.register(BenchmarkEcho.self)
        await WorkerCommand.main(registry: registry) { path in try SQLiteTaskStore(path: path) }
    }
}

/// Returns its argument: the least a task can do while still decoding its arguments and encoding a result.
struct BenchmarkEcho: BackgroundTask {
    struct Arguments: Codable, Sendable { var value: String }
    static let name = "benchmark.echo"
    static func run(_ arguments: Arguments, context: TaskContext) async throws -> String { arguments.value }
}
