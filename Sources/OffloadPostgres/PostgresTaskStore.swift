import Foundation
import Logging
import Offload
import PostgresNIO
import Synchronization

/// Tasks, results and the registry of workers in PostgreSQL, shared by apps, workers and supervisors on many hosts.
///
/// The simplest form connects, migrates and keeps its connections running in the background until
/// ``shutdown()``:
/// ```swift
/// // PGPASSWORD or OFFLOAD_DATABASE_PASSWORD_FILE holds the password; keep it out of the URL.
/// let store = try await PostgresTaskStore(url: "postgres://offload@db.internal/app?schema=offload")
/// TaskBackends.bootstrap(TaskBackends(["default": .init(store, queues: ["default", "email"])]))
/// …
/// await store.shutdown()
/// ```
/// A program built on swift-service-lifecycle can own the connections itself instead: create the store
/// with ``init(configuration:logger:)``, run ``run()`` as a service (or in a task group), then call
/// ``prepare()`` before the first use.
///
/// Claims use `FOR UPDATE SKIP LOCKED`, so workers on any number of hosts never claim the same task
/// and never wait for each other. Enqueues, retries and recoveries that make a task PENDING send
/// `NOTIFY` in the same transaction; ``wakeUps()`` turns those notifications into wake-ups, so idle
/// workers sleep instead of polling.
public final class PostgresTaskStore: TaskStore {
    public let configuration: PostgresStoreConfiguration
    /// The connection pool. An app may share it for its own queries and for ``enqueue(_:on:)``.
    public let client: PostgresClient
    let logger: Logger
    let names: PostgresSchemaNames
    let errors: PostgresErrorTranslation
    let wakeUpHub = WakeUpHub()
    /// For the connections outside the pool (the one that LISTENs, and the migrations' at start): their TLS context.
    let directTLS: PostgresConnection.Configuration.TLS
    private let hasRun = Atomic<Bool>(false)
    /// Set only by the self-running forms (``init(url:environment:logger:)``, ``connect(configuration:logger:)``).
    private let backgroundRun = Mutex<Task<Void, Never>?>(nil)

    /// Creates the store without connecting. Run ``run()``, then call ``prepare()`` before using it.
    /// - Throws: ``OffloadError/Code/invalidConfiguration`` for a bad schema name, pool size or TLS setting.
    public init(configuration: PostgresStoreConfiguration, logger: Logger = Logger(label: "offload.postgres")) throws {
        try configuration.validate()
        self.configuration = configuration
        self.logger = logger
        self.names = PostgresSchemaNames(configuration)
        self.errors = PostgresErrorTranslation(configuration: configuration)
        self.client = PostgresClient(configuration: try Self.clientConfiguration(configuration), backgroundLogger: logger)
        self.directTLS = try Self.directTLS(configuration)
    }

    /// Connects to the URL's database, brings the schema up to date and starts listening for notifications;
    /// the connections run in the background until ``shutdown()``.
    ///
    /// The password comes from the environment or a file when the URL has none: see
    /// ``PostgresStoreConfiguration/init(url:environment:)``.
    /// - Throws: ``OffloadError`` naming the host, port and database and what to check: a bad URL
    ///   (`invalidConfiguration`), a server that cannot be reached or refuses the login (`databaseUnavailable`),
    ///   missing privileges (`databaseReadOnly`).
    public convenience init(url: String, environment: [String: String] = ProcessInfo.processInfo.environment, logger: Logger = Logger(label: "offload.postgres")) async throws {
        try self.init(configuration: try PostgresStoreConfiguration(url: url, environment: environment), logger: logger)
        try await startInBackground()
    }

    /// Like ``init(url:environment:logger:)``, from a configuration made in code.
    public static func connect(configuration: PostgresStoreConfiguration, logger: Logger = Logger(label: "offload.postgres")) async throws -> PostgresTaskStore {
        let store = try PostgresTaskStore(configuration: configuration, logger: logger)
        try await store.startInBackground()
        return store
    }

    private func startInBackground() async throws {
        // Unstructured because callers of the self-running forms (a web app's bootstrap, WorkerCommand's
        // `makeStore`) have no task group to run the pool in; `shutdown()` cancels it and waits for it.
        let task = Task { await self.run() }
        backgroundRun.withLock { $0 = task }
        do {
            try await prepare()
        } catch {
            await shutdown()
            throw error
        }
    }

    /// Runs the connection pool and the listening connection until the calling task is cancelled.
    ///
    /// Call it once, in a task that outlives every use of the store (a `ServiceGroup` service, or a task
    /// group's child); the self-running forms call it for you. Cancelling it closes every connection and
    /// finishes every ``wakeUps()`` stream.
    public func run() async {
        precondition(!hasRun.exchange(true, ordering: .relaxed), "PostgresTaskStore.run() may be called only once.")
        await withDiscardingTaskGroup { group in
            group.addTask { await self.client.run() }
            group.addTask { await self.listenForNotifications() }
        }
        wakeUpHub.finish()
    }

    /// Checks the server and the credentials on a connection of its own, brings the schema up to date,
    /// and waits (up to ``PostgresStoreConfiguration/connectTimeout``) for the notification listener.
    ///
    /// ``run()`` must be running. Safe to call from several processes at once: migrations take an advisory lock.
    /// - Throws: ``OffloadError`` saying what to fix when the server cannot be reached, refuses the login,
    ///   or holds a schema newer than this build knows.
    public func prepare() async throws {
        let connection = try await openConnection()
        do {
            try await PostgresMigrations.migrate(on: connection, names: names, logger: logger)
        } catch {
            try? await connection.close()
            throw errors.translate(error)
        }
        // Terminate politely: the server then logs no "connection reset".
        try? await connection.closeGracefully()
        if !(await wakeUpHub.waitUntilListening(timeout: configuration.connectTimeout)) {
            logger.warning("not yet listening for task notifications: idle workers poll until the listener connects", metadata: ["channel": "\(names.channel)"])
        }
    }

    /// Stops the connections started by ``init(url:environment:logger:)`` or ``connect(configuration:logger:)``
    /// and waits until they are closed. A store run with ``run()`` is stopped by cancelling that task instead.
    public func shutdown() async {
        let task = backgroundRun.withLock { task in
            defer { task = nil }
            return task
        }
        task?.cancel()
        await task?.value
    }

    private static let connectionIDs = Atomic<Int>(1_000_000)
    static func nextConnectionID() -> Int {
        connectionIDs.wrappingAdd(1, ordering: .relaxed).newValue
    }

    public func wakeUps() -> AsyncStream<Void> {
        wakeUpHub.subscribe()
    }

    /// A NOTIFY comes only from an enqueue, a retry or a recovery, and an empty claim is one round trip:
    /// asking whether a task is ready first would only add a round trip to every task's start.
    public var claimsOnWakeUp: Bool { true }
}
