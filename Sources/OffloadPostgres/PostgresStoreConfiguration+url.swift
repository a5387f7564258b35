import Foundation
import Offload

extension PostgresStoreConfiguration {
    /// Reads a `postgres://` (or `postgresql://`) URL, libpq style, with the password from the environment.
    ///
    /// ```
    /// postgres://offload@db.internal:5432/app?sslmode=require&schema=offload
    /// postgres://offload@%2Fvar%2Frun%2Fpostgresql/app        (Unix socket directory as the host)
    /// postgres:///app?host=/var/run/postgresql                 (the same, libpq's other spelling)
    /// ```
    /// Query parameters: `sslmode` (`disable`, `prefer`, `require`, `verify-ca`, `verify-full`; by default
    /// `verify-full`, or `prefer` for a server on this host), `sslrootcert` (a CA file to trust instead of the
    /// system's), `schema`, `host` (a socket directory), `port`, `connect_timeout` (seconds), `application_name`,
    /// `passfile`.
    ///
    /// Missing parts come from libpq's variables: `PGHOST`, `PGPORT`, `PGUSER`, `PGDATABASE`, `PGSSLMODE`, `PGSSLROOTCERT`. The password,
    /// when the URL has none (keep it out of URLs: they end up in `ps` output and shell history), is the first of:
    /// 1. `OFFLOAD_DATABASE_PASSWORD`, where a supervisor hands its workers the password of its own URL;
    /// 2. the file named by `OFFLOAD_DATABASE_PASSWORD_FILE` (a systemd credential or a mounted secret);
    /// 3. `PGPASSWORD`;
    /// 4. the matching line of the password file `passfile=`, `PGPASSFILE`, or `~/.pgpass` (libpq's format).
    ///
    /// As libpq requires of `.pgpass`, a password file must be readable by its owner only (`chmod 600`).
    ///
    /// - Throws: ``OffloadError/Code/invalidConfiguration`` saying which part of the URL is wrong (the
    ///   password is never repeated in the message), or which password file cannot be read.
    public init(url: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(OffloadError) {
        let parts = try PostgresURL(url)
        let socketDirectory: String?
        var host: String
        if let hostParameter = parts.parameters["host"] {
            host = hostParameter
        } else if !parts.host.isEmpty {
            host = parts.host
        } else {
            host = environment["PGHOST"].flatMap { $0.isEmpty ? nil : $0 } ?? "/var/run/postgresql"
        }
        if host.hasPrefix("/") {
            socketDirectory = host
            host = "localhost"
        } else {
            socketDirectory = nil
        }
        let portText = parts.parameters["port"] ?? parts.port ?? environment["PGPORT"].flatMap { $0.isEmpty ? nil : $0 } ?? "5432"
        guard let port = Int(portText), (1...65_535).contains(port) else {
            throw OffloadError(.invalidConfiguration, "The PostgreSQL URL \(parts.redacted) has port \"\(portText)\", which is not a number between 1 and 65535.")
        }
        let username = parts.user ?? environment["PGUSER"] ?? environment["USER"] ?? "postgres"
        let database = parts.database ?? environment["PGDATABASE"].flatMap { $0.isEmpty ? nil : $0 } ?? username
        let endpoint: Endpoint = socketDirectory.map { .unixSocket(path: "\($0)/.s.PGSQL.\(port)") } ?? .tcp(host: host, port: port)
        self.init(endpoint: endpoint, username: username, database: database)

        // Without sslmode the endpoint decides (init(endpoint:…)): verify-full unless the server is on this host.
        if let mode = parts.parameters["sslmode"] ?? environment["PGSSLMODE"].flatMap({ $0.isEmpty ? nil : $0 }) {
            guard let tls = TLSMode(rawValue: mode) else {
                let origin = parts.parameters["sslmode"] != nil ? "The PostgreSQL URL \(parts.redacted) has sslmode=\(mode)" : "PGSSLMODE is \"\(mode)\""
                throw OffloadError(.invalidConfiguration, "\(origin); use one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            self.tls = tls
        }
        if let file = parts.parameters["sslrootcert"] ?? environment["PGSSLROOTCERT"].flatMap({ $0.isEmpty ? nil : $0 }), file != "system" {
            guard FileManager.default.isReadableFile(atPath: file) else {
                throw OffloadError(.invalidConfiguration, "The CA certificate file \(file) (sslrootcert) cannot be read by this user (uid \(getuid())): fix the path or its permissions.")
            }
            tlsRootCertificateFile = file
            // As libpq: given a CA file, require checks the chain too.
            if tls == .require { tls = .verifyCA }
        }
        if let schema = parts.parameters["schema"] { self.schema = schema }
        if let name = parts.parameters["application_name"] { self.applicationName = name }
        if let timeout = parts.parameters["connect_timeout"] {
            guard let seconds = Int(timeout), seconds > 0 else {
                throw OffloadError(.invalidConfiguration, "The PostgreSQL URL \(parts.redacted) has connect_timeout=\(timeout); give a whole number of seconds above 0.")
            }
            self.connectTimeout = .seconds(seconds)
        }
        let credential = try PostgresPassword.resolve(
            urlPassword: parts.password, passfile: parts.parameters["passfile"],
            host: socketDirectory == nil ? host : "localhost", port: port, database: database, username: username,
            environment: environment)
        self.password = credential?.password
        self.passwordSource = credential?.source
        try validate()
    }
}
