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
    /// The variable a supervisor hands its workers the password of its URL in, rather than in their
    /// arguments, which every user on the host can read in `ps`.
    public static let handedDownPasswordVariable = PostgresStoreConfiguration.handedDownPasswordVariable

    public static func isPostgres(_ database: String) -> Bool {
        database.hasPrefix("postgres://") || database.hasPrefix("postgresql://")
    }

    /// Opens the store. A password handed down in ``handedDownPasswordVariable`` is read, then removed from
    /// this process's environment, so that the processes a task starts do not inherit it.
    /// - Parameters:
    ///   - sqlite: how to open a SQLite file (ignored for PostgreSQL).
    ///   - environment: where a PostgreSQL URL's missing parts and password are looked up.
    public static func open(
        _ database: String, sqlite: SQLiteStoreConfiguration = SQLiteStoreConfiguration(),
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> any TaskStore {
        if isPostgres(database) {
            unsetenv(handedDownPasswordVariable)
            return try await PostgresTaskStore(url: database, environment: environment)
        }
        var sqlite = sqlite
        if let durability = try SQLiteStoreConfiguration.durability(fromEnvironment: environment) { sqlite.durability = durability }
        return try SQLiteTaskStore(path: database, configuration: sqlite)
    }

    /// The value to print: a URL's password shown as `***`.
    public static func redacted(_ database: String) -> String {
        isPostgres(database) ? PostgresStoreConfiguration.redacting(url: database) : database
    }

    /// How to pass `database` to a child process: the value without its password, for the child's
    /// arguments, and the environment variables that carry the password (empty when there is none).
    /// A password this process was itself handed down (in `environment`) is passed on the same way.
    public static func handOff(_ database: String, environment: [String: String]) -> (database: String, environment: [String: String]) {
        guard isPostgres(database) else { return (database, [:]) }
        let split = PostgresStoreConfiguration.removingPassword(fromURL: database)
        let password = split.password ?? environment[handedDownPasswordVariable]
        return (split.url, password.map { [handedDownPasswordVariable: $0] } ?? [:])
    }
}
