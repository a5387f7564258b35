import GRDB
import Offload
import OffloadSQLite
import Synchronization

/// The shop's own data, in the same SQLite database as its tasks, so that an order and the task that charges it
/// are written in one transaction.
public final class ShopDatabase: Sendable {
    public struct Order: Codable, Sendable {
        public var id: Int64
        public var item: String
        public var cents: Int64
        public var paid: Bool
    }

    /// Opened once at start-up, by the app and by the worker, each in its own process.
    public static let shared = ShopDatabase()
    private let pool = Mutex<DatabasePool?>(nil)

    /// Uses `pool` from now on, after bringing the shop's tables up to date.
    public func open(_ pool: DatabasePool) throws {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("shop: orders") { db in
            try db.execute(sql: """
                CREATE TABLE shop_order (
                    id INTEGER PRIMARY KEY,
                    item TEXT NOT NULL,
                    cents INTEGER NOT NULL,
                    paid BOOLEAN NOT NULL DEFAULT FALSE)
                """)
        }
        try migrator.migrate(pool)
        self.pool.withLock { $0 = pool }
    }

    private func opened() throws -> DatabasePool {
        guard let pool = pool.withLock({ $0 }) else { throw ShopError.databaseNotOpened }
        return pool
    }

    /// Inserts an order and enqueues the task that charges it, in one transaction: throw inside, and neither exists.
    public func placeOrder(item: String, cents: Int64, store: SQLiteTaskStore) throws -> (order: Order, task: TaskResultID) {
        try opened().write { db in
            try db.execute(sql: "INSERT INTO shop_order (item, cents) VALUES (?, ?)", arguments: [item, cents])
            let order = Order(id: db.lastInsertedRowID, item: item, cents: cents, paid: false)
            let request = try TaskRequest(ChargeOrder.self, arguments: .init(orderID: order.id))
            let task = try store.enqueue(request, in: db)
            return (order, task.id)
        }
    }

    /// Marks an order paid and returns its amount; run by ``ChargeOrder`` in the worker.
    func markPaid(orderID: Int64) throws -> Int64 {
        try opened().write { db in
            guard let cents = try Int64.fetchOne(db, sql: "SELECT cents FROM shop_order WHERE id = ?", arguments: [orderID]) else {
                throw ShopError.orderNotFound(orderID)
            }
            try db.execute(sql: "UPDATE shop_order SET paid = TRUE WHERE id = ?", arguments: [orderID])
            return cents
        }
    }
}
