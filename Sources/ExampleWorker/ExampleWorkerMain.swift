import Foundation
import Offload
import OffloadSQLite
import OffloadWorker

/// The example app's worker: the spec's three example tasks, served from a local SQLite file.
///
/// `example-worker --queue-name "*"` runs the worker; `example-worker signup EMAIL NAME` plays the
/// web app's part: it creates a user and enqueues the welcome email in one transaction.
@main
struct ExampleWorkerMain {
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "signup" {
            Signup.main(Array(arguments.dropFirst()))
        }
        let registry = TaskRegistry()
        registry.register(SendEmail.self)
        registry.register(SendWelcomeEmail.self)
        registry.register(ProcessData.self)
        await WorkerCommand.main(registry: registry, arguments: arguments) { path in
            let store = try SQLiteTaskStore(path: path)
            try ExampleUsers.migrate(store.pool)
            ExampleUsers.shared.setPool(store.pool)
            return store
        }
    }
}
