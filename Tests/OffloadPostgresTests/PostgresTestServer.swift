import Foundation
import Logging
import Offload
import OffloadPostgres
import OffloadTesting
import Synchronization
import Testing

/// The server `.ci/postgres start` runs, named by `OFFLOAD_TEST_POSTGRES_URL`.
///
/// Each test gets a schema of its own (`offload_t_<random>`), so tests run in parallel on one database
/// and never see each other's tasks, workers or notifications; the schema is dropped afterwards.
enum PostgresTestServer {
    static let url = ProcessInfo.processInfo.environment["OFFLOAD_TEST_POSTGRES_URL"]
    static var isConfigured: Bool { url?.isEmpty == false }
    static let skipReason: Comment = "OFFLOAD_TEST_POSTGRES_URL is not set: run `eval \"$(.ci/postgres start)\"` to test against a real PostgreSQL server"

    /// Quiet by default: migrations log at info, once per test schema.
    static let logger: Logger = {
        var logger = Logger(label: "offload.postgres.test")
        logger.logLevel = ProcessInfo.processInfo.environment["OFFLOAD_TEST_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        return logger
    }()

    static func configuration(schema: String? = nil) throws -> PostgresStoreConfiguration {
        var configuration = try PostgresStoreConfiguration(url: try #require(url))
        configuration.schema = schema ?? uniqueSchema()
        // Parallel tests each open several stores: keep every pool small.
        configuration.maximumConnections = 2
        return configuration
    }

    static func uniqueSchema() -> String {
        "offload_t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
    }

    /// The test server's URL without its passfile parameter, and the password that file holds.
    static func urlWithoutPassword() throws -> (url: String, password: String) {
        let url = try #require(url)
        var components = try #require(URLComponents(string: url))
        let passfile = try #require(components.queryItems?.first { $0.name == "passfile" }?.value, "OFFLOAD_TEST_POSTGRES_URL has no passfile parameter")
        components.queryItems = components.queryItems?.filter { $0.name != "passfile" }
        let line = try #require(try String(contentsOfFile: passfile, encoding: .utf8).split(separator: "\n").first)
        let password = try #require(line.split(separator: ":").last).trimmingCharacters(in: .whitespaces)
        return (try #require(components.string), password)
    }

    /// Runs `body` with a store on a fresh schema, then shuts it down and drops the schema.
    static func withStore<Result: Sendable>(
        configure: (inout PostgresStoreConfiguration) -> Void = { _ in },
        _ body: (PostgresTaskStore, PostgresStoreConfiguration) async throws -> Result
    ) async throws -> Result {
        var configuration = try configuration()
        configure(&configuration)
        let store = try await PostgresTaskStore.connect(configuration: configuration, logger: logger)
        do {
            let result = try await body(store, configuration)
            await dropSchema(configuration.schema, using: store)
            await store.shutdown()
            return result
        } catch {
            await dropSchema(configuration.schema, using: store)
            await store.shutdown()
            throw error
        }
    }

    static func dropSchema(_ schema: String, using store: PostgresTaskStore) async {
        try? await store.withTransaction { connection in
            _ = try await connection.query("DROP SCHEMA IF EXISTS \(unescaped: schema) CASCADE", logger: logger)
        }
    }

    /// Opens a store on a fresh schema; `openAnother` opens more on the same schema, and the teardown
    /// shuts every one down and drops the schema.
    static func subject() async throws -> StoreUnderTest {
        let configuration = try configuration()
        let store = try await PostgresTaskStore.connect(configuration: configuration, logger: logger)
        let opened = Mutex<[PostgresTaskStore]>([store])
        return StoreUnderTest(
            store: store,
            openAnother: {
                let another = try await PostgresTaskStore.connect(configuration: configuration, logger: logger)
                opened.withLock { $0.append(another) }
                return another
            },
            corruptErrors: { id in
                try await store.withTransaction { connection in
                    _ = try await connection.query("UPDATE \(unescaped: configuration.schema).offload_task SET errors = '{\"not\": \"a list\"}'::jsonb WHERE id = \(id.rawValue)", logger: logger)
                }
            },
            tearDown: {
                await dropSchema(configuration.schema, using: store)
                for store in opened.withLock({ $0 }) { await store.shutdown() }
            })
    }
}
