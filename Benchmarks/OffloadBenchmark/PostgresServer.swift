import Foundation
import Logging
import Offload
import OffloadPostgres
import PostgresNIO

/// The PostgreSQL server part 8 measures.
///
/// The benchmark's own queries (the server's version and settings, dropping scratch schemas, listing the
/// server's processes) go through a store on a schema of their own, `bench_control`, whose tables stay
/// empty: that reuses the store's connection settings (URL, password file, TLS) instead of repeating them.
/// Every measurement opens its own store on a fresh schema (``openStore(schema:)``) and drops it afterwards.
final class PostgresServer: Sendable {
    static let controlSchema = "bench_control"
    /// The `application_name` of the benchmark's own connections, so that the server's CPU time can be
    /// counted without them: a drain's server CPU is then the workers' and the supervisor's share alone.
    static let benchmarkApplicationName = "offload-benchmark"

    /// The URL given to the benchmark, without a password; ``url(schema:applicationName:)`` adds the schema.
    let url: String
    /// What the server is and how durable its commits are, for the report.
    let details: Details
    private let control: PostgresTaskStore

    struct Details: Sendable {
        /// Host and port (or socket) and database: "127.0.0.1:55433, database offload_test".
        var endpoint: String
        var version: String
        var fsync: String
        var synchronousCommit: String
        var fullPageWrites: String
        /// Whether the server runs on this machine, so that its processes' CPU time can be read in `/proc`.
        var isLocal: Bool

        /// Where the server keeps its data, and on which file system, when `Benchmarks/run` started it.
        var dataDirectory: String?

        /// "PostgreSQL 15.4 (…) at 127.0.0.1:55433, database offload_test: fsync=on, synchronous_commit=off, full_page_writes=on".
        var summary: String {
            "PostgreSQL \(version) at \(endpoint): fsync=\(fsync), synchronous_commit=\(synchronousCommit), full_page_writes=\(fullPageWrites)"
                + (dataDirectory.map { "; data in \($0)" } ?? "")
        }
    }

    /// Migrations log at `info` for every scratch schema; the benchmark's output only wants problems.
    static let logger: Logger = {
        var logger = Logger(label: "offload-benchmark.postgres")
        logger.logLevel = .warning
        return logger
    }()

    private init(url: String, details: Details, control: PostgresTaskStore) {
        self.url = url
        self.details = details
        self.control = control
    }

    /// Connects, and reads the server's version and durability settings with `SHOW`.
    /// - Parameter dataDirectory: the server's data directory with its file system, when known (`SHOW
    ///   data_directory` needs a privilege the benchmark's role may lack).
    /// - Throws: the store's ``OffloadError`` when the server cannot be reached or refuses the login.
    static func connect(url: String, dataDirectory: String? = nil) async throws -> PostgresServer {
        let configuration = try PostgresStoreConfiguration(url: url)
        let control = try await PostgresTaskStore(url: Self.url(url, schema: controlSchema, applicationName: benchmarkApplicationName), logger: logger)
        do {
            func show(_ setting: String) async throws -> String {
                let rows = try await control.client.query(PostgresQuery(unsafeSQL: "SHOW \(setting)"), logger: logger).collect()
                return try rows.first?.decode(String.self) ?? "?"
            }
            let isLocal = switch configuration.endpoint {
            case .unixSocket: true
            case .tcp(let host, _): ["127.0.0.1", "::1", "localhost"].contains(host)
            }
            let details = Details(
                endpoint: "\(configuration.endpoint), database \(configuration.database)", version: try await show("server_version"),
                fsync: try await show("fsync"), synchronousCommit: try await show("synchronous_commit"),
                fullPageWrites: try await show("full_page_writes"), isLocal: isLocal, dataDirectory: dataDirectory)
            return PostgresServer(url: url, details: details, control: control)
        } catch {
            await control.shutdown()
            throw error
        }
    }

    /// The benchmark's URL with `schema=` set to `schema`, replacing any schema it had; with
    /// `application_name=` too when one is given.
    func url(schema: String, applicationName: String? = nil) -> String {
        Self.url(url, schema: schema, applicationName: applicationName)
    }

    private static func url(_ url: String, schema: String, applicationName: String? = nil) -> String {
        let parts = url.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var parameters = parts.count > 1 ? parts[1].split(separator: "&").map(String.init) : []
        parameters.removeAll { $0.hasPrefix("schema=") || (applicationName != nil && $0.hasPrefix("application_name=")) }
        parameters.append("schema=\(schema)")
        if let applicationName { parameters.append("application_name=\(applicationName)") }
        return parts[0] + "?" + parameters.joined(separator: "&")
    }

    /// The benchmark's own store on a fresh, empty `schema`: leftovers of an interrupted run are dropped
    /// first, then the store's migrations create the tables, exactly as a deployment's first start does.
    func openStore(schema: String) async throws -> PostgresTaskStore {
        try await dropSchema(schema)
        return try await PostgresTaskStore(url: url(schema: schema, applicationName: Self.benchmarkApplicationName), logger: Self.logger)
    }

    /// Closes `store` and drops its schema with everything in it, so that runs do not pile up rows.
    func remove(_ store: PostgresTaskStore, schema: String) async {
        await store.shutdown()
        do {
            try await dropSchema(schema)
        } catch {
            Console.line("  warning: could not drop the PostgreSQL schema \(schema): \(error)")
        }
    }

    /// ``openStore(schema:)``, `body`, then ``remove(_:schema:)``, even when `body` throws.
    func withStore<Result: Sendable>(schema: String, _ body: (PostgresTaskStore) async throws -> Result) async throws -> Result {
        let store = try await openStore(schema: schema)
        do {
            let result = try await body(store)
            await remove(store, schema: schema)
            return result
        } catch {
            await remove(store, schema: schema)
            throw error
        }
    }

    private func dropSchema(_ schema: String) async throws {
        // The names are the benchmark's own plain identifiers (checked again by the store when it opens them).
        precondition(schema.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "_" }, "unexpected schema name \(schema)")
        _ = try await control.client.query(PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \"\(schema)\" CASCADE"), logger: Self.logger).collect()
    }

    /// CPU time of the server's processes, backends and background processes alike, but not the backends
    /// of the benchmark's own connections; read from `/proc`, so `nil` when the server is on another
    /// machine, whose pids mean nothing here.
    func processCPU() async -> ServerCPU? {
        guard details.isLocal else { return nil }
        guard let rows = try? await control.client.query(
            "SELECT pid FROM pg_stat_activity WHERE application_name IS DISTINCT FROM \(Self.benchmarkApplicationName)", logger: Self.logger
        ).collect() else { return nil }
        var seconds: [Int32: Double] = [:]
        for row in rows {
            guard let pid = try? row.decode(Int32.self), Self.isPostgresProcess(pid), let sample = ProcessSample.read(pid: pid) else { continue }
            seconds[pid] = sample.cpuSeconds
        }
        return ServerCPU(seconds: seconds)
    }

    /// A pid of the server's is named `postgres`; a pid reused by anything else is not counted.
    private static func isPostgresProcess(_ pid: Int32) -> Bool {
        (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?.hasPrefix("postgres") ?? false
    }

    /// Drops the control schema and closes its connections.
    func close() async {
        do {
            try await dropSchema(Self.controlSchema)
        } catch {
            Console.line("  warning: could not drop the PostgreSQL schema \(Self.controlSchema): \(error)")
        }
        await control.shutdown()
    }
}

/// CPU seconds of each process of a database server at one moment.
struct ServerCPU: Sendable {
    var seconds: [Int32: Double]

    /// CPU used since `earlier`; a process that started in between counts from zero, one that exited is missed.
    func spent(since earlier: ServerCPU) -> Double {
        seconds.reduce(0) { total, process in total + process.value - (earlier.seconds[process.key] ?? 0) }
    }
}
