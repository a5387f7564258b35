import Offload
import OffloadSQLite

/// A fresh, empty task database for one measurement, whichever the store: what the supervisor is given
/// as `--database`, the benchmark's own store on it, and how to remove it afterwards.
///
/// The drain and latency measurements take one of these, so that SQLite (part 3–5) and PostgreSQL
/// (part 8) run through the same code and talk to the store only through the `TaskStore` protocol, as an
/// app would. Only the raw limits are written per store, since they must bypass Offload.
protocol ScratchTaskStore: Sendable {
    associatedtype Store: TaskStore

    /// The measurement's name (`drain-2-0`, `bench_drain_2_0`): the scratch file's or schema's, and the supervisor's control socket's.
    var name: String { get }
    /// A SQLite path or a `postgres://` URL, passed to the supervisor and its workers unchanged.
    var location: String { get }
    /// The benchmark's own connection to the database: another process, from the workers' point of view.
    var store: Store { get }
    /// The worker executable that can open ``location``.
    var worker: String { get }

    /// CPU time used so far by the database server's processes, when it has any on this machine:
    /// part of a task's cost on PostgreSQL; `nil` on SQLite, whose work happens inside the workers.
    func serverCPU() async -> ServerCPU?

    /// Deletes the database and closes the store, once the supervisor has stopped.
    func remove() async
}

/// A SQLite scratch file (``ScratchDatabase``) with a store open on it.
struct SQLiteScratchStore: ScratchTaskStore {
    let name: String
    let file: ScratchDatabase
    let store: SQLiteTaskStore
    let worker: String

    init(directory: String, name: String, worker: String) throws {
        self.name = name
        file = try ScratchDatabase(directory: directory, name: name)
        store = try file.openStore()
        self.worker = worker
    }

    var location: String { file.path }

    func serverCPU() async -> ServerCPU? { nil }

    func remove() async {
        file.remove()
    }
}
