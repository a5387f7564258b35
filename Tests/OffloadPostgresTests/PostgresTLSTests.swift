import Foundation
import Logging
import Offload
import OffloadPostgres
import OffloadTesting
import PostgresNIO
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

    @Test("without sslmode a remote host is verified (verify-full); this host's own addresses and sockets use prefer", arguments: [
        ("postgres://u@db.internal/app", PostgresStoreConfiguration.TLSMode.verifyFull),
        ("postgres://u@10.0.0.5:5433/app", .verifyFull),
        ("postgres://u@127.0.0.1/app", .prefer),
        ("postgres://u@localhost/app", .prefer),
        ("postgres://u@[::1]/app", .prefer),
        ("postgres://u@127.evil.example/app", .verifyFull),
        ("postgres://u@%2Fvar%2Frun%2Fpostgresql/app", .prefer),
        ("postgres://u@db.internal/app?sslmode=require", .require),
        ("postgres://u@db.internal/app?sslmode=verify-ca", .verifyCA),
    ])
    func defaultModes(url: String, expected: PostgresStoreConfiguration.TLSMode) throws {
        #expect(try PostgresStoreConfiguration(url: url, environment: [:]).tls == expected)
        #expect(PostgresStoreConfiguration(endpoint: .tcp(host: "db.internal", port: 5432), username: "u", database: "d").tls == .verifyFull)
    }

    @Test("PGSSLMODE applies when the URL has no sslmode, and a bad value names the variable")
    func sslmodeFromEnvironment() throws {
        #expect(try PostgresStoreConfiguration(url: "postgres://u@db.internal/app", environment: ["PGSSLMODE": "require"]).tls == .require)
        #expect(try PostgresStoreConfiguration(url: "postgres://u@db.internal/app?sslmode=disable", environment: ["PGSSLMODE": "require"]).tls == .disable)
        #expect {
            try PostgresStoreConfiguration(url: "postgres://u@db.internal/app", environment: ["PGSSLMODE": "always"])
        } throws: { error in
            (error as? OffloadError)?.message.contains("PGSSLMODE") == true
        }
    }

    @Test("sslrootcert names the CA file to trust; with it require checks the chain (verify-ca), as libpq; a missing file is named")
    func rootCertificateFile() throws {
        let directory = TemporaryDirectory()
        let file = directory.file("ca.crt")
        try "not parsed until connecting".write(toFile: file, atomically: true, encoding: .utf8)
        let full = try PostgresStoreConfiguration(url: "postgres://u@db.internal/app?sslrootcert=\(file)", environment: [:])
        #expect(full.tls == .verifyFull)
        #expect(full.tlsRootCertificateFile == file)
        #expect(try PostgresStoreConfiguration(url: "postgres://u@db.internal/app?sslmode=require", environment: ["PGSSLROOTCERT": file]).tls == .verifyCA)
        let missing = directory.file("absent.crt")
        #expect {
            try PostgresStoreConfiguration(url: "postgres://u@db.internal/app?sslrootcert=\(missing)", environment: [:])
        } throws: { error in
            let error = try #require(error as? OffloadError)
            return error.code == .invalidConfiguration && error.message.contains(missing)
        }
    }

    /// The CA `.ci/postgres` signed the test server's certificate with, when it made one.
    static var testServerCA: String? {
        guard let url = PostgresTestServer.url, let components = URLComponents(string: url),
              let passfile = components.queryItems?.first(where: { $0.name == "passfile" })?.value else { return nil }
        let ca = (passfile as NSString).deletingLastPathComponent + "/ca.crt"
        return FileManager.default.fileExists(atPath: ca) ? ca : nil
    }

    @Test("verify-full with the server's CA as sslrootcert connects over TLS; trusting only the system's roots, the certificate is refused",
          .enabled(if: testServerCA != nil, "needs the test server of `.ci/postgres start` with TLS (openssl installed)"))
    func verifyFullAgainstRealServer() async throws {
        let ca = try #require(Self.testServerCA)
        let (url, password) = try PostgresTestServer.urlWithoutPassword()
        var components = try #require(URLComponents(string: url))
        // The certificate names localhost: verify-full checks the name the URL gives.
        components.host = "localhost"
        let schema = PostgresTestServer.uniqueSchema()
        components.queryItems = (components.queryItems ?? []).filter { $0.name != "sslmode" } + [
            URLQueryItem(name: "sslmode", value: "verify-full"), URLQueryItem(name: "schema", value: schema),
        ]
        let verified = try #require(components.string)
        let store = try await PostgresTaskStore(url: verified + "&sslrootcert=\(ca)", environment: ["PGPASSWORD": password], logger: PostgresTestServer.logger)
        let logger = PostgresTestServer.logger
        let encrypted = try await store.client.withConnection { connection in
            try await connection.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", logger: logger).collect().first?.decode(Bool.self)
        }
        #expect(encrypted == true)
        await PostgresTestServer.dropSchema(schema, using: store)
        await store.shutdown()

        var quiet = Logger(label: "offload.postgres.test.tls")
        quiet.logLevel = .critical
        await #expect {
            _ = try await PostgresTaskStore(url: verified, environment: ["PGPASSWORD": password], logger: quiet)
        } throws: { error in
            let error = try #require(error as? OffloadError)
            return error.message.contains("TLS") && !error.message.contains(password)
        }
    }
}
