import Foundation
import Logging
import Offload
import OffloadPostgres
import OffloadTesting
import Testing

/// Who gets the password: only a server that proved who it is, or one that never sees it in clear text.
@Suite("PostgreSQL TLS and password exposure")
struct PostgresTLSTests {
    @Test("a server asking for the password in clear text without TLS is refused, and never receives it", arguments: ["disable", "prefer", nil])
    func cleartextWithoutTLSRefused(sslmode: String?) async throws {
        let server = try FakePostgresServer()
        defer { server.stop() }
        let password = "never-send-me-" + UUID().uuidString.prefix(8)
        var quiet = Logger(label: "offload.postgres.test.cleartext")
        quiet.logLevel = .critical
        let url = "postgres://offload@127.0.0.1:\(server.port)/app" + (sslmode.map { "?sslmode=\($0)" } ?? "")
        var configuration = try PostgresStoreConfiguration(url: url, environment: ["PGPASSWORD": password])
        configuration.connectTimeout = .seconds(5)
        await #expect {
            _ = try await PostgresTaskStore.connect(configuration: configuration, logger: quiet)
        } throws: { error in
            let error = try #require(error as? OffloadError)
            return error.message.contains("clear text") && !error.message.contains(password)
        }
        #expect(server.connectionCount >= 1, "the store reached the fake server")
        #expect(!server.contains(password), "the fake server captured the password")
    }
}
