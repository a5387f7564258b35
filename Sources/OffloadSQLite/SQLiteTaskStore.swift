import Foundation
import GRDB
import Offload

/// The default store: tasks and results in one SQLite file in WAL mode, shared by the app and its workers.
///
/// ```swift
/// let store = try SQLiteTaskStore(path: "offload.sqlite3")
/// TaskBackends.bootstrap(TaskBackends(["default": .init(store, queues: ["default", "email"])]))
/// ```
///
/// The file is created readable and writable by its owner only (0600), in WAL mode. An enqueue returns once
/// its commit is synced to disk (``SQLiteDurability/full``, the default: concurrent enqueues share one sync);
/// claims and results commit with `synchronous=NORMAL`, which survives a crash of the process, and whose
/// loss on a power cut only runs a task again. ``SQLiteStoreConfiguration/durability`` chooses.
///
/// An app that keeps its own data in the same database passes its `DatabasePool` to
/// ``init(pool:configuration:)`` and enqueues inside its own transactions; see ``enqueue(_:in:)``.
public final class SQLiteTaskStore: TaskStore, SynchronousTaskBackend {
    /// The database file.
    public let path: String
    /// The connection pool: one writer, several readers. Share it with the app for transactional enqueue.
    public let pool: DatabasePool
    public let configuration: SQLiteStoreConfiguration
    /// The file the store opened; every write first checks that the path still names it.
    let fileIdentity: DatabaseFileIdentity?
    /// Concurrent async enqueues share one transaction and one sync (``enqueue(_:)-(TaskRequest)``).
    let groupCommit = GroupCommit<TaskRequest, EnqueueOutcome>()
    /// The inotify watches behind ``wakeUps()``, muted while a busy worker is not listening.
    let walWatches = WALWatchRegistry()

    /// Opens (creating if needed) the task database at `path` and brings its schema up to date.
    /// - Throws: ``OffloadError`` naming the path and what to do when the directory is missing,
    ///   the file is read-only or not a database.
    public convenience init(path: String, configuration: SQLiteStoreConfiguration = SQLiteStoreConfiguration()) throws {
        try DatabaseFile.prepare(path: path, readOnly: configuration.readOnly)
        var grdb = Configuration()
        // The same busy handler as a pool shared with the app: retry every millisecond (see `configure`).
        Self.configure(&grdb, busyTimeout: configuration.busyTimeout)
        grdb.readonly = configuration.readOnly
        grdb.label = "offload"
        grdb.prepareDatabase { db in
            // Debian compiles SQLite with WAL defaulting to synchronous=FULL. NORMAL is right for claims and
            // results (a lost one re-runs a task); the commits that acknowledge an enqueue raise it to the
            // configured durability (`SQLiteTaskStore+durability.swift`).
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        let pool: DatabasePool
        do {
            pool = try Self.openPool(path: path, configuration: grdb, migrating: !configuration.readOnly)
        } catch {
            throw SQLiteErrorTranslation.translate(error, path: path)
        }
        try self.init(pool: pool, configuration: configuration)
    }

    /// Opens the pool and brings the schema up to date, retrying SQLITE_BUSY for up to 5 s. Processes that open
    /// a new file at the same moment race to set WAL mode and create the schema, and SQLite answers some of them
    /// SQLITE_BUSY at once, without its busy handler (a connection whose read must become a write while another
    /// holds the write lock): one of eight simultaneous openers failed so in `ConcurrentMigrationTests`.
    private static func openPool(path: String, configuration: Configuration, migrating: Bool) throws -> DatabasePool {
        let deadline = ContinuousClock.now + .seconds(5)
        while true {
            do {
                let pool = try DatabasePool(path: path, configuration: configuration)
                if migrating { try SchemaMigrations.migrate(pool) }
                return pool
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && ContinuousClock.now < deadline {
                usleep(2_000)
            }
        }
    }

    /// Uses an existing pool (the app's own), running Offload's migrations on it.
    public init(pool: DatabasePool, configuration: SQLiteStoreConfiguration = SQLiteStoreConfiguration()) throws {
        try Self.checkShared(pool, configuration: configuration)
        self.pool = pool
        self.path = pool.path
        self.configuration = configuration
        self.fileIdentity = DatabaseFileIdentity(path: pool.path)
        if !configuration.readOnly {
            do {
                try SchemaMigrations.migrate(pool)
            } catch {
                throw SQLiteErrorTranslation.translate(error, path: path)
            }
        }
    }

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction, so the write lock is taken up front
    /// and a busy database is waited for at the start instead of failing at commit.
    ///
    /// `acknowledgingEnqueue` commits with the configured ``SQLiteStoreConfiguration/durability``;
    /// every other write (claims, results, recovery) with the connection's own, NORMAL on a pool the store opened.
    func writeTransaction<T>(acknowledgingEnqueue: Bool = false, _ body: (Database) throws -> T) throws -> T {
        try fileIdentity?.check(path: path)
        do {
            return try pool.writeWithoutTransaction { db in
                try withDurability(acknowledgingEnqueue ? configuration.durability : nil, db: db) {
                    var result: T?
                    try db.inTransaction(.immediate) {
                        result = try body(db)
                        return .commit
                    }
                    return result!
                }
            }
        } catch {
            throw SQLiteErrorTranslation.translate(error, path: path)
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.read(body)
        } catch {
            throw SQLiteErrorTranslation.translate(error, path: path)
        }
    }

    public func wakeUps() -> AsyncStream<Void> {
        guard configuration.watchesWAL else { return AsyncStream { _ in } }
        return WALChangeMonitor.changes(ofDatabaseAt: path, registry: walWatches)
    }

    public func setWakeUpsMuted(_ muted: Bool) {
        walWatches.setMuted(muted)
    }
}
