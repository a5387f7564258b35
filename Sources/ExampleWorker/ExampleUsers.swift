import Foundation
import GRDB
import Synchronization

/// The example app's own data: a users table that lives in the same database as the tasks.
final class ExampleUsers: Sendable {
    struct User: Sendable {
        var id: Int64
        var email: String
        var name: String
    }

    static let shared = ExampleUsers()
    private let pool = Mutex<DatabasePool?>(nil)

    func setPool(_ pool: DatabasePool) {
        self.pool.withLock { $0 = pool }
    }

    static func migrate(_ pool: DatabasePool) throws {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("example: users") { db in
            try db.execute(sql: "CREATE TABLE example_user (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT NOT NULL)")
        }
        try migrator.migrate(pool)
    }

    func user(id: Int64) throws -> User? {
        guard let pool = pool.withLock({ $0 }) else { return nil }
        return try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT id, email, name FROM example_user WHERE id = ?", arguments: [id])
                .map { User(id: $0[0], email: $0[1], name: $0[2]) }
        }
    }
}
