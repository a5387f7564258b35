import GRDB
import Offload
import OffloadSQLite
import Synchronization

/// The shop's own table, in the task database, so that an order and the task that charges it commit together.
public final class Orders: Sendable {
    public static let shared = Orders()
    private let pool = Mutex<DatabasePool?>(nil)

    public enum Failure: Error {
        case notOpened
        case noSuchOrder(Int64)
    }

    /// Creates the table if needed and uses `pool` from now on.
    public func open(_ pool: DatabasePool) throws {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("shop: orders") { db in
            try db.execute(sql: "CREATE TABLE shop_order (id INTEGER PRIMARY KEY, cents INTEGER NOT NULL, paid BOOLEAN NOT NULL DEFAULT FALSE)")
        }
        try migrator.migrate(pool)
        self.pool.withLock { $0 = pool }
    }

    /// Inserts an order and enqueues its charge in one transaction; returns the charge's task and the order.
    public func place(cents: Int64, store: SQLiteTaskStore) throws -> (id: TaskResultID, orderID: Int64) {
        guard let pool = pool.withLock({ $0 }) else { throw Failure.notOpened }
        return try pool.write { db in
            try db.execute(sql: "INSERT INTO shop_order (cents) VALUES (?)", arguments: [cents])
            let orderID = db.lastInsertedRowID
            let request = try TaskRequest(ChargeOrder.self, arguments: .init(orderID: orderID))
            return (try store.enqueue(request, in: db).id, orderID)
        }
    }

    func markPaid(orderID: Int64) throws -> Int64 {
        guard let pool = pool.withLock({ $0 }) else { throw Failure.notOpened }
        return try pool.write { db in
            guard let cents = try Int64.fetchOne(db, sql: "SELECT cents FROM shop_order WHERE id = ?", arguments: [orderID]) else {
                throw Failure.noSuchOrder(orderID)
            }
            try db.execute(sql: "UPDATE shop_order SET paid = TRUE WHERE id = ?", arguments: [orderID])
            return cents
        }
    }
}
