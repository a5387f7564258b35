import Foundation
import GRDB
import Offload
import OffloadSQLite
import ShopTasks

// Plays a web app's requests: `shop-app IMAGES ORDERS` enqueues IMAGES resizes and places ORDERS orders, then
// prints one task id a line. The database is $OFFLOAD_DATABASE, as for the supervisor.
let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
guard arguments.count == 2, let path = ProcessInfo.processInfo.environment["OFFLOAD_DATABASE"] else {
    FileHandle.standardError.write(Data("usage: OFFLOAD_DATABASE=PATH shop-app IMAGES ORDERS\n".utf8))
    exit(64)
}

// At start-up: one pool for the app's data and its tasks, and the backend every enqueue goes to. The pool creates
// the file with this process's umask, and the supervisor refuses a database other users may read.
umask(0o077)
var configuration = Configuration()
SQLiteTaskStore.configure(&configuration)   // the pool's writes wait for the workers' instead of failing at once
let pool = try DatabasePool(path: path, configuration: configuration)
try Orders.shared.open(pool)
let store = try SQLiteTaskStore(pool: pool)
TaskBackends.bootstrap(TaskBackends(["default": .init(store, queues: nil)]))

// In a request handler:
for index in 0..<arguments[0] {
    let result = try await ResizeImage.enqueue(.init(path: "photos/\(index).jpg", width: 200))
    print(result.id)
}
for index in 0..<arguments[1] {
    let order = try Orders.shared.place(cents: Int64(100 + index), store: store)
    print(order.id)
    // The receipt, asked for twice (a retried request): the second gets the first's task back.
    for resent in [false, true] {
        switch try await SendReceipt.enqueueUnique(.init(orderID: order.orderID, resent: resent)) {
        case .enqueued(let result): print("receipt enqueued \(result.id)")
        case .duplicate(of: let existing): print("receipt duplicate \(existing.id)")
        }
    }
}
