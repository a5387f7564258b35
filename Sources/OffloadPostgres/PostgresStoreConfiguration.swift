import Foundation
import Offload

/// Where a ``PostgresTaskStore`` connects and how it uses the server.
///
/// Usually made from a `postgres://` URL with ``init(url:environment:)``, which takes the password from
/// the environment or a file rather than from the URL, so that it never shows in `ps` output or shell history.
public struct PostgresStoreConfiguration: Sendable, Equatable {
    /// How to reach the server.
    public enum Endpoint: Sendable, Equatable, CustomStringConvertible {
        case tcp(host: String, port: Int)
        /// The socket file itself, such as `/var/run/postgresql/.s.PGSQL.5432`.
        case unixSocket(path: String)

        public var description: String {
            switch self {
            case .tcp(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
            case .unixSocket(let path): "the Unix socket \(path)"
            }
        }

        /// A Unix socket or a loopback address: no network between the store and the server.
        public var isThisHost: Bool {
            switch self {
            case .tcp(let host, _): host == "localhost" || host == "::1" || (host.hasPrefix("127.") && host.allSatisfy { $0.isNumber || $0 == "." })
            case .unixSocket: true
            }
        }
    }

    /// libpq's `sslmode` values that make sense for a client library.
    ///
    /// Only `verify-ca` and `verify-full` know who answers: with the others, whoever can answer in the
    /// server's place (on the network path, or on a port the server left free) gets the login. Without
    /// TLS the store also refuses to send the password in clear text, whatever the server asks.
    public enum TLSMode: String, Sendable, Equatable, CaseIterable {
        /// Plain TCP.
        case disable
        /// TLS when the server offers it, without checking its certificate. The default for this host's
        /// own addresses (`localhost`, `127.0.0.1`, `::1`) and Unix sockets.
        case prefer
        /// TLS always, without checking the server's certificate (with a `sslrootcert` file, as `verify-ca`).
        case require
        /// TLS always, with the certificate's chain checked against the trust roots (`sslrootcert`, else
        /// the system's), not its host name.
        case verifyCA = "verify-ca"
        /// TLS always, with the certificate's chain and host name checked. The default for any other host.
        case verifyFull = "verify-full"
    }

    public var endpoint: Endpoint
    public var username: String
    /// `nil` when the server asks for none (trust or peer authentication).
    public var password: String?
    /// Where ``password`` came from (`PGPASSWORD`, a file…), so that an authentication failure can say what to fix.
    public var passwordSource: String?
    public var database: String
    /// Defaults to ``TLSMode/verifyFull`` for a remote host, ``TLSMode/prefer`` for this host's own.
    public var tls: TLSMode
    /// A PEM file of the CA certificates to trust instead of the system's (libpq's `sslrootcert`).
    public var tlsRootCertificateFile: String?
    /// The schema that holds Offload's tables; created by the migrations if missing.
    ///
    /// Giving each app (or each test) its own schema lets several share one database. Table names are
    /// always qualified with it, so the app's own `search_path` does not matter.
    public var schema: String = "public"
    /// Connections the store's pool may open, on top of the one that listens for notifications.
    public var maximumConnections: Int = 8
    /// How long opening a connection may take before it fails.
    public var connectTimeout: Duration = .seconds(10)
    /// How long an operation waits for a pooled connection (while the server is unreachable, or every
    /// connection is busy) before failing with ``OffloadError/Code/databaseUnavailable``.
    public var connectionWaitLimit: Duration = .seconds(15)
    /// Largest JSON text accepted as a task's arguments.
    public var maximumArgumentsSize: Int = TaskRequest.defaultMaximumArgumentsSize
    /// Sent to the server as `application_name`, shown in `pg_stat_activity`.
    public var applicationName: String = "offload"
    /// How often the listening connection is checked; a dead connection is replaced within about this time.
    public var listenerKeepAlive: Duration = .seconds(15)

    public init(endpoint: Endpoint, username: String, password: String? = nil, database: String) {
        self.endpoint = endpoint
        self.username = username
        self.password = password
        self.database = database
        self.tls = endpoint.isThisHost ? .prefer : .verifyFull
    }

    /// The NOTIFY channel enqueues and retries signal on: one per schema, so that apps sharing
    /// a database do not wake each other's workers.
    public var notificationChannel: String {
        schema == "public" ? "offload_task" : "offload_task_\(schema)"
    }

    /// Checks what the server would reject later with a less helpful message.
    func validate() throws(OffloadError) {
        guard PostgresStoreConfiguration.isPlainIdentifier(schema) else {
            throw OffloadError(.invalidConfiguration, "The PostgreSQL schema name \"\(schema)\" is not usable: use 1 to 40 lowercase letters, digits and underscores, starting with a letter or underscore (for example offload or myapp_tasks).")
        }
        guard maximumConnections >= 1 else {
            throw OffloadError(.invalidConfiguration, "maximumConnections is \(maximumConnections): the PostgreSQL store needs at least 1 connection in its pool.")
        }
        guard !username.isEmpty else {
            throw OffloadError(.invalidConfiguration, "No PostgreSQL user name: put one in the URL (postgres://USER@host/db) or set PGUSER.")
        }
    }

    /// Lowercase identifiers need no quoting and cannot smuggle SQL; 40 characters leave room
    /// for the `offload_task_` channel prefix within PostgreSQL's 63-byte limit.
    static func isPlainIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.unicodeScalars.count <= 40 else { return false }
        let lower = "abcdefghijklmnopqrstuvwxyz_".unicodeScalars
        let digits = "0123456789".unicodeScalars
        return lower.contains(first) && name.unicodeScalars.allSatisfy { lower.contains($0) || digits.contains($0) }
    }
}

extension PostgresStoreConfiguration: CustomStringConvertible, CustomDebugStringConvertible {
    /// Where and as whom the store connects, with the password (if any) shown as `***`: safe for logs.
    public var description: String {
        "PostgreSQL at \(endpoint), database \(database), user \(username)\(password == nil ? "" : " (password ***)"), schema \(schema), sslmode=\(tls.rawValue)\(tlsRootCertificateFile.map { ", sslrootcert=\($0)" } ?? "")"
    }

    public var debugDescription: String { description }
}
