import Foundation
import GRDB
import Hummingbird
import Offload
import OffloadSQLite
import OffloadWeb
import ShopTasks

/// The shop's web app: it enqueues tasks from its request handlers and answers at once; the workers the
/// supervisor runs do the work.
///
/// `shop-app [PORT]` listens on 127.0.0.1 (default port 8080) and uses the database `$OFFLOAD_DATABASE`, or
/// `offload.sqlite3` in the current directory: the supervisor's default, so both find the same file. With
/// `$SHOP_ADMIN_TOKEN_FILE` (a file only its owner may read), Offload's console is mounted under `/admin`
/// behind that token.
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

        let router = ShopRoutes(store: store).router()
        if let tokenFile = environment["SHOP_ADMIN_TOKEN_FILE"] {
            // The console's pages, API and /metrics, behind the shop's own authentication.
            let token: String
            do {
                token = try AdminAuthentication<BasicRequestContext>.token(fromFile: tokenFile)
            } catch {
                FileHandle.standardError.write(Data("shop-app: SHOP_ADMIN_TOKEN_FILE: \(error)\n".utf8))
                exit(78)
            }
            let admin = router.group("admin").add(middleware: AdminAuthentication(token: token))
            OffloadConsole(store: store, configuration: ConsoleConfiguration(basePath: "/admin")).addRoutes(to: admin)
            FileHandle.standardError.write(Data("shop-app: Offload's console is mounted under /admin\n".utf8))
        } else {
            FileHandle.standardError.write(Data("shop-app: Offload's console is not mounted (set SHOP_ADMIN_TOKEN_FILE to mount it under /admin)\n".utf8))
        }

        let app = Application(
            router: router,
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
