import Offload
import OffloadSQLite
import OffloadWorker
import ShopTasks

/// The worker the supervisor starts: it registers the shop's tasks and hands over to Offload's runtime, which
/// claims tasks from the queues the supervisor gives it.
@main
struct ShopWorkerMain {
    static func main() async {
        let registry = TaskRegistry()
        registry.register(MakeThumbnail.self)
        registry.register(ChargeOrder.self)
        await WorkerCommand.main(registry: registry) { path in
            let store = try SQLiteTaskStore(path: path)
            try ShopDatabase.shared.open(store.pool)
            return store
        }
    }
}
