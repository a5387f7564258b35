import Foundation
import Offload
import OffloadPostgres
import OffloadTesting
import Testing

/// Where a password may show: never in a printed URL, never from a file other users can read.
@Suite("PostgreSQL secrets")
struct PostgresSecretTests {
    @Test("a password holding /, ? or @ is read whole and never shown when the URL is printed", arguments: [
        "pa/ss", "pa?ss", "p@ss", "a/b?c@d:e", "/?",
    ])
    func awkwardPasswords(password: String) throws {
        let url = "postgres://offload:\(password)@db.internal:5433/app?schema=tasks"
        let configuration = try PostgresStoreConfiguration(url: url, environment: [:])
        #expect(configuration.password == password)
        #expect(configuration.endpoint == .tcp(host: "db.internal", port: 5433))
        #expect(configuration.database == "app")
        #expect(configuration.schema == "tasks")
        let redacted = PostgresStoreConfiguration.redacting(url: url)
        #expect(!redacted.contains(password), "\(redacted)")
        #expect(redacted == "postgres://offload:***@db.internal:5433/app?schema=tasks")
        // A bad parameter puts the URL in the error: redacted there too.
        #expect {
            try PostgresStoreConfiguration(url: url + "&sslmode=sometimes", environment: [:])
        } throws: { error in
            let message = (error as? OffloadError)?.message ?? ""
            return message.contains("sslmode") && !message.contains(password)
        }
    }

    @Test("an @ in a parameter value is not taken for the end of a user and password")
    func atSignInQuery() throws {
        let configuration = try PostgresStoreConfiguration(url: "postgres://db.internal:5433/app?application_name=me@web", environment: ["USER": "svc"])
        #expect(configuration.endpoint == .tcp(host: "db.internal", port: 5433))
        #expect(configuration.username == "svc")
        #expect(configuration.applicationName == "me@web")
        let withUser = try PostgresStoreConfiguration(url: "postgres://offload@db.internal/app?application_name=me@web", environment: [:])
        #expect(withUser.username == "offload")
        #expect(withUser.endpoint == .tcp(host: "db.internal", port: 5432))
    }

    @Test("removing the password from a URL keeps everything else as written")
    func removingPassword() throws {
        let split = PostgresStoreConfiguration.removingPassword(fromURL: "postgresql://offload:pa/ss%21@[::1]:5433/app?sslmode=disable&schema=t")
        #expect(split.url == "postgresql://offload@[::1]:5433/app?sslmode=disable&schema=t")
        #expect(split.password == "pa/ss!")
        let none = PostgresStoreConfiguration.removingPassword(fromURL: "postgres://offload@db/app")
        #expect(none.url == "postgres://offload@db/app")
        #expect(none.password == nil)
    }

    @Test("OFFLOAD_DATABASE_PASSWORD, the variable a supervisor hands its workers, gives the password")
    func passwordFromSupervisorVariable() throws {
        let configuration = try PostgresStoreConfiguration(url: "postgres://offload@db/app", environment: ["OFFLOAD_DATABASE_PASSWORD": "handed-down", "PGPASSWORD": "other"])
        #expect(configuration.password == "handed-down")
        #expect(configuration.passwordSource == "OFFLOAD_DATABASE_PASSWORD")
    }

    @Test("a password file readable by group or others is refused, naming the file and the fix", arguments: [
        ("PGPASSFILE", 0o640 as mode_t), ("PGPASSFILE", 0o604), ("HOME", 0o644), ("OFFLOAD_DATABASE_PASSWORD_FILE", 0o644),
    ])
    func openPasswordFileRefused(variable: String, mode: mode_t) throws {
        let directory = TemporaryDirectory()
        let path = variable == "HOME" ? directory.file(".pgpass") : directory.file("secret")
        let text = variable == "OFFLOAD_DATABASE_PASSWORD_FILE" ? "s3cret\n" : "*:*:*:*:s3cret\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(chmod(path, mode) == 0)
        let environment = [variable: variable == "HOME" ? directory.path : path]
        #expect {
            try PostgresStoreConfiguration(url: "postgres://offload@db/app", environment: environment)
        } throws: { error in
            let error = try #require(error as? OffloadError)
            return error.code == .invalidConfiguration && error.message.contains(path) && error.message.contains("chmod 600") && !error.message.contains("s3cret")
        }
        #expect(chmod(path, 0o600) == 0)
        let configuration = try PostgresStoreConfiguration(url: "postgres://offload@db/app", environment: environment)
        #expect(configuration.password == "s3cret")
    }
}
