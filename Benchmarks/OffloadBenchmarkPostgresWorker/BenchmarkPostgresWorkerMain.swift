import Offload
import OffloadStores
import OffloadWorker

/// The worker `offload-benchmark` runs for its PostgreSQL part: the same no-op task as
/// `offload-benchmark-worker`, with the store opened by `TaskStoreLocation.open`, the call the
/// `supervisor` makes, so it serves a `postgres://` URL (or a SQLite path).
///
/// It is a second executable rather than a change to `offload-benchmark-worker` because linking
/// PostgresNIO costs memory even when it is never used: the SQLite worker's idle RSS went from 30.2 to
/// 33.9 MB (private memory 7.9 to 11.7 MB) when it opened its store this way, and part 5 measures that worker.
@main
struct BenchmarkPostgresWorkerMain {
    static func main() async {
        let registry = TaskRegistry()
        registry.register(BenchmarkEcho.self)
        await WorkerCommand.main(registry: registry) { database in try await TaskStoreLocation.open(database) }
    }
}

/// Returns its argument, as `offload-benchmark-worker`'s task of the same name does (keep the two alike,
/// so that both stores' drains run the same task).
struct BenchmarkEcho: BackgroundTask {
    struct Arguments: Codable, Sendable { var value: String }
    static let name = "benchmark.echo"
    static func run(_ arguments: Arguments, context: TaskContext) async throws -> String { arguments.value }
}
