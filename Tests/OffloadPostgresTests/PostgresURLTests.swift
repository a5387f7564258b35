import Foundation
import Offload
import OffloadPostgres
import OffloadTesting
import Testing

/// Reading `postgres://` URLs and finding the password; no server needed.
@Suite("PostgreSQL URLs and credentials")
struct PostgresURLTests {
    @Test("a full URL gives host, port, user, database, TLS mode and schema")
    func fullURL() throws {
        let configuration = try PostgresStoreConfiguration(url: "postgres://offload@db.internal:6543/app?sslmode=require&schema=tasks&application_name=web", environment: [:])
        #expect(configuration.endpoint == .tcp(host: "db.internal", port: 6543))
        #expect(configuration.username == "offload")
        #expect(configuration.database == "app")
        #expect(configuration.tls == .require)
        #expect(configuration.schema == "tasks")
        #expect(configuration.applicationName == "web")
        #expect(configuration.password == nil)
        #expect(configuration.notificationChannel == "offload_task_tasks")
    }

    @Test("missing parts come from PGHOST, PGPORT, PGUSER and PGDATABASE, as libpq does")
    func libpqDefaults() throws {
        let configuration = try PostgresStoreConfiguration(url: "postgresql://", environment: ["PGHOST": "10.0.0.5", "PGPORT": "5544", "PGUSER": "svc", "PGDATABASE": "jobs"])
        #expect(configuration.endpoint == .tcp(host: "10.0.0.5", port: 5544))
        #expect(configuration.username == "svc")
        #expect(configuration.database == "jobs")
        #expect(configuration.schema == "public")
        #expect(configuration.notificationChannel == "offload_task")
    }

    @Test("a socket directory as the host, percent-encoded or as ?host=, connects through the Unix socket")
    func unixSocket() throws {
        let encoded = try PostgresStoreConfiguration(url: "postgres://offload@%2Fvar%2Frun%2Fpostgresql/app", environment: [:])
        #expect(encoded.endpoint == .unixSocket(path: "/var/run/postgresql/.s.PGSQL.5432"))
        let parameter = try PostgresStoreConfiguration(url: "postgres:///app?host=/tmp/pg&port=5433", environment: ["USER": "me"])
        #expect(parameter.endpoint == .unixSocket(path: "/tmp/pg/.s.PGSQL.5433"))
        #expect(parameter.username == "me")
    }

    @Test("an IPv6 address in brackets keeps its colons")
    func ipv6() throws {
        let configuration = try PostgresStoreConfiguration(url: "postgres://u@[::1]:5433/db", environment: [:])
        #expect(configuration.endpoint == .tcp(host: "::1", port: 5433))
        #expect(configuration.endpoint.description == "[::1]:5433")
    }

    @Test("a URL without a password takes it from PGPASSWORD")
    func passwordFromEnvironment() throws {
        let configuration = try PostgresStoreConfiguration(url: "postgres://offload@db/app", environment: ["PGPASSWORD": "s3cret"])
        #expect(configuration.password == "s3cret")
        #expect(configuration.passwordSource == "PGPASSWORD")
    }

    @Test("OFFLOAD_DATABASE_PASSWORD_FILE wins over PGPASSWORD, without its trailing newline")
    func passwordFromFile() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("db-password")
        try writePrivateFile("from-file\n", to: path)
        let configuration = try PostgresStoreConfiguration(url: "postgres://offload@db/app", environment: ["OFFLOAD_DATABASE_PASSWORD_FILE": path, "PGPASSWORD": "from-env"])
        #expect(configuration.password == "from-file")
        #expect(configuration.passwordSource?.contains(path) == true)
    }

    @Test("a missing or empty password file is reported with its path")
    func badPasswordFile() throws {
        let directory = TemporaryDirectory()
        let missing = directory.file("absent")
        #expect {
            try PostgresStoreConfiguration(url: "postgres://offload@db/app", environment: ["OFFLOAD_DATABASE_PASSWORD_FILE": missing])
        } throws: { error in
            let error = try #require(error as? OffloadError)
            return error.code == .invalidConfiguration && error.message.contains(missing) && error.message.contains("does not exist")
        }
        let empty = directory.file("empty")
        try writePrivateFile("\n", to: empty)
        #expect {
            try PostgresStoreConfiguration(url: "postgres://offload@db/app", environment: ["OFFLOAD_DATABASE_PASSWORD_FILE": empty])
        } throws: { error in
            (error as? OffloadError)?.message.contains("is empty") == true
        }
    }

    @Test("a libpq password file gives the password of the first matching line, with * and escapes")
    func pgpass() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("pgpass")
        try """
            # comment
            other:5432:*:offload:wrong-host
            db:5432:app:someone:wrong-user
            db:*:app:offload:pa\\:ss\\\\word
            *:*:*:*:fallback
            """.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(chmod(path, 0o600) == 0, "libpq's rule: a password file others can read is refused")
        let matched = try PostgresStoreConfiguration(url: "postgres://offload@db/app", environment: ["PGPASSFILE": path])
        #expect(matched.password == #"pa:ss\word"#)
        let fallback = try PostgresStoreConfiguration(url: "postgres://other-user@elsewhere/app?passfile=\(path)", environment: [:])
        #expect(fallback.password == "fallback")
    }

    @Test("a password in the URL is accepted but never repeated in an error")
    func passwordIsNeverShown() throws {
        #expect {
            try PostgresStoreConfiguration(url: "postgres://offload:hunter2@db:notaport/app", environment: [:])
        } throws: { error in
            let error = try #require(error as? OffloadError)
            return error.message.contains("notaport") && !error.message.contains("hunter2") && error.message.contains("***")
        }
        let configuration = try PostgresStoreConfiguration(url: "postgres://offload:p%40ss@db/app", environment: ["PGPASSWORD": "ignored"])
        #expect(configuration.password == "p@ss")
    }

    @Test("a configuration printed in a log never shows its password")
    func descriptionHidesPassword() throws {
        let configuration = try PostgresStoreConfiguration(url: "postgres://offload@db:5432/app", environment: ["PGPASSWORD": "hunter2"])
        #expect(!"\(configuration)".contains("hunter2"))
        #expect(!String(reflecting: configuration).contains("hunter2"))
        #expect("\(configuration)".contains("db:5432"))
    }

    @Test("a URL that is wrong says which part is wrong", arguments: [
        ("mysql://u@db/app", "postgres://"),
        ("postgres://u@db:99999/app", "between 1 and 65535"),
        ("postgres://u@db/app?sslmode=sometimes", "sslmode"),
        ("postgres://u@db/app?pool=5", "\"pool\""),
        ("postgres://u@db/app?password=x", "PGPASSWORD"),
        ("postgres://u@db1,db2/app", "several hosts"),
        ("postgres://u@db/app?schema=Bad-Name", "schema name"),
        ("postgres://u@[::1/app", "IPv6"),
    ])
    func badURLs(url: String, hint: String) {
        #expect {
            try PostgresStoreConfiguration(url: url, environment: [:])
        } throws: { error in
            let error = try #require(error as? OffloadError)
            return error.code == .invalidConfiguration && error.message.contains(hint)
        }
    }
}
