import Foundation
import Offload
import OffloadPostgres
import OffloadSQLite

/// Opens the store that a `--database` value names, so every executable accepts the same values:
/// a `postgres://` (or `postgresql://`) URL selects PostgreSQL, anything else is a SQLite file path.
///
/// A PostgreSQL password never needs to be in the value: see `PostgresStoreConfiguration(url:environment:)`
/// for the environment variables and password files it reads.
public enum TaskStoreLocation {
    public static func isPostgres(_ database: String) -> Bool {
        database.hasPrefix("postgres://") || database.hasPrefix("postgresql://")
    }

    /// - Parameter sqlite: how to open a SQLite file (ignored for PostgreSQL).
    public static func open(_ database: String, sqlite: SQLiteStoreConfiguration = SQLiteStoreConfiguration()) async throws -> any TaskStore {
        if isPostgres(database) {
            return try await PostgresTaskStore(url: database)
        }
        return try SQLiteTaskStore(path: database, configuration: sqlite)
    }
}
