import Offload
import OffloadSQLite
import OffloadWorker
import ShopTasks

let registry = TaskRegistry()
registry.register(ResizeImage.self)
registry.register(ChargeOrder.self)
registry.register(SendReceipt.self)
registry.register(TidyCarts.self)
await WorkerCommand.main(registry: registry) { path in
    let store = try SQLiteTaskStore(path: path)
    try Orders.shared.open(store.pool)
    return store
}
