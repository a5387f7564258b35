import Offload
import OffloadSQLite
import OffloadWorker
import ShopTasks

let registry = TaskRegistry()
registry.register(ChargeOrder.self)
await WorkerCommand.main(registry: registry) { path in try SQLiteTaskStore(path: path) }
