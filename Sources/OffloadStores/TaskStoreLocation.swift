import Foundation
import Offload
import OffloadSQLite
#if PostgreSQL
import OffloadPostgres
#endif

/// Opens the store that a `--database` value names, so every executable accepts the same values:
/// a `postgres://` (or `postgresql://`) URL selects PostgreSQL, anything else is a SQLite file path.
///
/// PostgreSQL needs the package's `PostgreSQL` trait. Without it a URL is refused with
/// ``postgresNotBuiltMessage``, never taken for a file name.
///
/// A PostgreSQL password never needs to be in the value: see `PostgresStoreConfiguration(url:environment:)`
/// for the environment variables and password files it reads.
public enum TaskStoreLocation {
    /// The variable a supervisor hands its workers the password of its URL in, rather than in their
    /// arguments, which every user on the host can read in `ps`.
    #if PostgreSQL
    public static let handedDownPasswordVariable = PostgresStoreConfiguration.handedDownPasswordVariable
    #else
    public static let handedDownPasswordVariable = "OFFLOAD_DATABASE_PASSWORD"
    #endif

    /// Whether this build can open a `postgres://` URL (the package's `PostgreSQL` trait).
    public static var supportsPostgres: Bool {
        #if PostgreSQL
        true
        #else
        false
        #endif
    }

    /// The one line shown when a URL reaches a build without the `PostgreSQL` trait.
    public static let postgresNotBuiltMessage = """
        this build has no PostgreSQL support, so the postgres:// database cannot be opened: \
        enable Offload's PostgreSQL trait (`.package(…, traits: ["PostgreSQL"])` in your Package.swift, \
        or `swift build --traits PostgreSQL` in Offload's own repository) and build again
        """

    public static func isPostgres(_ database: String) -> Bool {
        database.hasPrefix("postgres://") || database.hasPrefix("postgresql://")
    }

    /// Throws ``OffloadError/Code/invalidConfiguration`` when `database` is a URL this build cannot open.
    public static func checkSupported(_ database: String) throws(OffloadError) {
        if isPostgres(database), !supportsPostgres {
            throw OffloadError(.invalidConfiguration, postgresNotBuiltMessage)
        }
    }

    /// Opens the store. A password handed down in ``handedDownPasswordVariable`` is read, then removed from
    /// this process's environment, so that the processes a task starts do not inherit it.
    /// - Parameters:
    ///   - sqlite: how to open a SQLite file (ignored for PostgreSQL).
    ///   - environment: where a PostgreSQL URL's missing parts and password are looked up.
    /// - Throws: ``OffloadError/Code/invalidConfiguration`` for a URL when this build has no PostgreSQL.
    public static func open(
        _ database: String, sqlite: SQLiteStoreConfiguration = SQLiteStoreConfiguration(),
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> any TaskStore {
        try checkSupported(database)
        #if PostgreSQL
        if isPostgres(database) {
            unsetenv(handedDownPasswordVariable)
            return try await PostgresTaskStore(url: database, environment: environment)
        }
        #endif
        var sqlite = sqlite
        if let durability = try SQLiteStoreConfiguration.durability(fromEnvironment: environment) { sqlite.durability = durability }
        return try SQLiteTaskStore(path: database, configuration: sqlite)
    }

    /// The value to print: a URL's password shown as `***`.
    public static func redacted(_ database: String) -> String {
        #if PostgreSQL
        isPostgres(database) ? PostgresStoreConfiguration.redacting(url: database) : database
        #else
        // Nothing here can parse the URL: show its scheme only, so no password can leak.
        isPostgres(database) ? String(database.prefix { $0 != ":" }) + "://…" : database
        #endif
    }

    /// How to pass `database` to a child process: the value without its password, for the child's
    /// arguments, and the environment variables that carry the password (empty when there is none).
    /// A password this process was itself handed down (in `environment`) is passed on the same way.
    public static func handOff(_ database: String, environment: [String: String]) -> (database: String, environment: [String: String]) {
        #if PostgreSQL
        guard isPostgres(database) else { return (database, [:]) }
        let split = PostgresStoreConfiguration.removingPassword(fromURL: database)
        let password = split.password ?? environment[handedDownPasswordVariable]
        return (split.url, password.map { [handedDownPasswordVariable: $0] } ?? [:])
        #else
        // A URL is refused before any child starts (checkSupported); nothing to split.
        return (database, [:])
        #endif
    }
}
