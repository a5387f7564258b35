import Offload
import OffloadSQLite
import OffloadWorker

/// The worker `offload-benchmark` has its supervisor run: one no-op task and the SQLite store, nothing
/// else, which is what a small SQLite deployment's worker links. Its CPU per task and its memory are
/// then Offload's own, not those of test tasks or of drivers it never uses.
@main
struct BenchmarkWorkerMain {
    static func main() async {
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
