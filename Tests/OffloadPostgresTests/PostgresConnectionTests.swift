import Foundation
import Logging
import Offload
import OffloadPostgres
import OffloadTesting
import Testing

@Suite("Connecting to PostgreSQL")
struct PostgresConnectionTests {
    @Test("a refused connection names the host and port and what to check")
    func refusedConnection() async throws {
        // Port 1 on loopback: nothing listens there, so the kernel refuses at once.
        var configuration = PostgresStoreConfiguration(endpoint: .tcp(host: "127.0.0.1", port: 1), username: "offload", database: "app")
        configuration.connectTimeout = .seconds(5)
        await #expect {
            _ = try await PostgresTaskStore.connect(configuration: configuration, logger: PostgresTestServer.logger)
        } throws: { error in
            let error = try #require(error as? OffloadError)
            return error.code == .databaseUnavailable && error.message.contains("127.0.0.1:1") && error.message.contains("listen_addresses")
        }
    }

    @Test("while the server is unreachable an operation fails within the wait limit, naming the server")
    func unreachableServerDuringOperation() async throws {
        var configuration = PostgresStoreConfiguration(endpoint: .tcp(host: "127.0.0.1", port: 1), username: "offload", database: "app")
        configuration.connectionWaitLimit = .seconds(1)
        var quiet = Logger(label: "offload.postgres.test.unreachable")
        quiet.logLevel = .critical
        // The structured form: run() in a task of our own, no prepare(), so the store exists without a server.
        let store = try PostgresTaskStore(configuration: configuration, logger: quiet)
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await store.run() }
            let clock = ContinuousClock()
            let start = clock.now
            await #expect {
                _ = try await store.counts()
            } throws: { error in
                let error = try #require(error as? OffloadError)
                return error.code == .databaseUnavailable && error.message.contains("127.0.0.1:1") && error.message.contains("within")
            }
            // A limit of 1 s, not forever: the bound is loose because on a loaded machine the store's own task
            // can wait seconds for a thread; what fails here is a request that waits for a server without end.
            #expect(clock.now - start < .seconds(60))
            group.cancelAll()
        }
    }

    @Test("a URL without a password connects with the password from PGPASSWORD", .enabled(if: PostgresTestServer.isConfigured, PostgresTestServer.skipReason))
    func connectsWithPGPASSWORD() async throws {
        let (url, password) = try PostgresTestServer.urlWithoutPassword()
        let schema = PostgresTestServer.uniqueSchema()
        let store = try await PostgresTaskStore(url: url + "&schema=\(schema)", environment: ["PGPASSWORD": password], logger: PostgresTestServer.logger)
        let record = try await store.enqueue(TaskRequest(taskName: "t"))
        #expect(try await store.record(id: record.id).status == .pending)
        await PostgresTestServer.dropSchema(schema, using: store)
        await store.shutdown()
    }

    @Test("a URL without a password connects with the password from OFFLOAD_DATABASE_PASSWORD_FILE", .enabled(if: PostgresTestServer.isConfigured, PostgresTestServer.skipReason))
    func connectsWithPasswordFile() async throws {
        let (url, password) = try PostgresTestServer.urlWithoutPassword()
        let directory = TemporaryDirectory()
        let file = directory.file("password")
        try writePrivateFile(password + "\n", to: file)
        let schema = PostgresTestServer.uniqueSchema()
        let store = try await PostgresTaskStore(url: url + "&schema=\(schema)", environment: ["OFFLOAD_DATABASE_PASSWORD_FILE": file], logger: PostgresTestServer.logger)
        #expect(try await store.counts() == [])
        await PostgresTestServer.dropSchema(schema, using: store)
        await store.shutdown()
    }

    @Test("a wrong password is reported with where the password came from", .enabled(if: PostgresTestServer.isConfigured, PostgresTestServer.skipReason))
    func wrongPassword() async throws {
        let (url, _) = try PostgresTestServer.urlWithoutPassword()
        await #expect {
            _ = try await PostgresTaskStore(url: url, environment: ["PGPASSWORD": "not-the-password"], logger: PostgresTestServer.logger)
        } throws: { error in
            let error = try #require(error as? OffloadError)
            return error.code == .databaseUnavailable && error.message.contains("PGPASSWORD") && error.message.contains("28P01") && !error.message.contains("not-the-password")
        }
    }

    @Test("no password at all says where to put one", .enabled(if: PostgresTestServer.isConfigured, PostgresTestServer.skipReason))
    func missingPassword() async throws {
        let (url, _) = try PostgresTestServer.urlWithoutPassword()
        await #expect {
            _ = try await PostgresTaskStore(url: url, environment: [:], logger: PostgresTestServer.logger)
        } throws: { error in
            let error = try #require(error as? OffloadError)
            return error.code == .databaseUnavailable && error.message.contains("OFFLOAD_DATABASE_PASSWORD_FILE")
        }
    }

    @Test("a database that does not exist is reported by name", .enabled(if: PostgresTestServer.isConfigured, PostgresTestServer.skipReason))
    func unknownDatabase() async throws {
        var configuration = try PostgresTestServer.configuration()
        configuration.database = "no_such_database"
        await #expect {
            _ = try await PostgresTaskStore.connect(configuration: configuration, logger: PostgresTestServer.logger)
        } throws: { error in
            let error = try #require(error as? OffloadError)
            return error.code == .databaseUnavailable && error.message.contains("no_such_database") && error.message.contains("does not exist")
        }
    }

    @Test("a store that was shut down refuses work with a clear error", .enabled(if: PostgresTestServer.isConfigured, PostgresTestServer.skipReason))
    func shutDownStore() async throws {
        let configuration = try PostgresTestServer.configuration()
        let store = try await PostgresTaskStore.connect(configuration: configuration, logger: PostgresTestServer.logger)
        await PostgresTestServer.dropSchema(configuration.schema, using: store)
        await store.shutdown()
        await #expect {
            _ = try await store.counts()
        } throws: { error in
            (error as? OffloadError)?.code == .databaseUnavailable
        }
    }
}
