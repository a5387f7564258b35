import Foundation
import GRDB
import Hummingbird
import Offload
import OffloadSQLite
import ShopTasks

/// The shop's web app: it enqueues tasks from its request handlers and answers at once; the workers the
/// supervisor runs do the work.
///
/// `shop-app [PORT]` listens on 127.0.0.1 (default port 8080) and uses the database `$OFFLOAD_DATABASE`, or
/// `offload.sqlite3` in the current directory: the supervisor's default, so both find the same file.
@main
struct ShopAppMain {
    static func main() async throws {
        let environment = ProcessInfo.processInfo.environment
        let path = environment["OFFLOAD_DATABASE"] ?? "offload.sqlite3"
        let port = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 8080

        // One pool for the app's data and its tasks, so an order and its task commit together. The pool creates the
        // file with this process's umask, and Offload refuses a database other users may read.
        umask(0o077)
        let pool = try DatabasePool(path: path, configuration: ShopAppMain.poolConfiguration)
        try ShopDatabase.shared.open(pool)
        let store = try SQLiteTaskStore(pool: pool)
        // Every queue the tasks declare is accepted; the supervisor serves them all with `--queue-name "*"`.
        TaskBackends.bootstrap(TaskBackends(["default": .init(store, queues: nil)]))

        let app = Application(
            router: ShopRoutes(store: store).router(),
            configuration: .init(address: .hostname("127.0.0.1", port: port)))
        try await app.runService()
    }

    /// The pool's configuration when it is shared with Offload: writes wait for the workers' short writes
    /// (5 s at most) instead of failing with "database is locked". `SQLiteTaskStore(pool:)` refuses a pool
    /// without it.
    static var poolConfiguration: Configuration {
        var configuration = Configuration()
        SQLiteTaskStore.configure(&configuration)
        return configuration
    }
}
