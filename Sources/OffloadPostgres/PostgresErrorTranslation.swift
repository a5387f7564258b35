import Foundation
import Offload
import PostgresNIO

/// Turns postgres-nio's errors into ``OffloadError``s that say where, what, and what to check.
///
/// `PSQLError`'s own description hides everything on purpose ("Generic description to prevent accidental
/// leakage"), so the server's SQLSTATE and message are read from its fields here. The password never appears.
struct PostgresErrorTranslation: Sendable {
    let configuration: PostgresStoreConfiguration

    var target: String {
        "PostgreSQL at \(configuration.endpoint) (database \(configuration.database), user \(configuration.username))"
    }

    private var passwordAdvice: String {
        if let source = configuration.passwordSource {
            return "The password came from \(source): check that it is this role's current password."
        }
        return "No password was given: set PGPASSWORD, or OFFLOAD_DATABASE_PASSWORD_FILE to a file holding it, or add a line to PGPASSFILE (~/.pgpass)."
    }

    func cannotConnect(reason: String) -> OffloadError {
        OffloadError(.databaseUnavailable, "Cannot connect to \(target): \(reason). Check that the server is running, listens on \(configuration.endpoint) (listen_addresses and port in postgresql.conf), and that no firewall blocks this host.")
    }

    func translate(_ error: any Error) -> any Error {
        switch error {
        case is OffloadError, is CancellationError:
            return error
        case let error as PSQLError:
            return translate(error)
        case let error as PostgresDecodingError:
            return OffloadError(.invalidStoredRow, "A value read from \(target) has an unexpected type (\(String(reflecting: error))). Was the schema changed by hand, or by a newer Offload?")
        default:
            // ConnectionPoolError lives in a module we do not import; its name is enough to recognise it.
            let name = String(reflecting: type(of: error))
            if name.contains("ConnectionPoolError") {
                return OffloadError(.databaseUnavailable, "No connection to \(target) could be made for a while (\(error)). Check that the server is up and reachable from this host.")
            }
            return error
        }
    }

    private func translate(_ error: PSQLError) -> any Error {
        switch error.code {
        case .connectionError where error.underlying is CleartextPasswordGuard.Refused:
            return OffloadError(.databaseUnavailable, "\(target) asked for the password in clear text on a connection without TLS, so it was not sent: whoever answered may not be your server. If it is, turn on ssl on the server and use sslmode=verify-full, or set its pg_hba.conf method to scram-sha-256.")
        case .connectionError where error.underlying is NIOSSLError:
            let reason = error.underlying.map { String(describing: $0) } ?? "no reason given"
            return OffloadError(.databaseUnavailable, "TLS with \(target) failed, before any password was sent: \(reason). With sslmode=\(configuration.tls.rawValue) the server's certificate must be signed by a CA this host trusts (\(configuration.tlsRootCertificateFile.map { "the sslrootcert file \($0)" } ?? "the system's; give the server's CA as sslrootcert=FILE"))\(configuration.tls == .verifyFull ? " and name the host the URL gives" : "").")
        case .connectionError:
            return cannotConnect(reason: error.underlying.map { String(describing: $0) } ?? "no reason given")
        case .serverClosedConnection, .clientClosedConnection, .uncleanShutdown:
            return OffloadError(.databaseUnavailable, "The connection to \(target) was closed while in use (\(error.code)). The server may have restarted or a proxy cut the connection; the next operation reconnects.")
        case .poolClosed:
            return OffloadError(.databaseUnavailable, "The PostgreSQL store for \(target) has been shut down; no more operations can run on it.")
        case .authMechanismRequiresPassword:
            return OffloadError(.databaseUnavailable, "\(target) asks for a password and none was given. Set PGPASSWORD, or OFFLOAD_DATABASE_PASSWORD_FILE to a file holding it, or add a line to PGPASSFILE (~/.pgpass).")
        case .unsupportedAuthMechanism, .saslError:
            return OffloadError(.databaseUnavailable, "Authentication with \(target) failed (\(String(reflecting: error))). \(passwordAdvice)")
        case .sslUnsupported:
            return OffloadError(.invalidConfiguration, "The connection requires TLS (sslmode=\(configuration.tls.rawValue), the default for a host other than this one) but \(target) does not offer it. Enable ssl on the server with a certificate its clients can verify, or, on a network you trust, set sslmode=prefer.")
        case .failedToAddSSLHandler, .receivedUnencryptedDataAfterSSLRequest:
            return OffloadError(.databaseUnavailable, "TLS with \(target) failed (\(String(reflecting: error))). Check the server's certificate and the URL's sslmode.")
        case .server:
            return translateServer(error)
        default:
            return OffloadError(.databaseUnavailable, "\(target) failed: \(String(reflecting: error)).")
        }
    }

    private func translateServer(_ error: PSQLError) -> any Error {
        let state = error.serverInfo?[.sqlState] ?? "?????"
        var said = error.serverInfo?[.message] ?? "no message"
        if let detail = error.serverInfo?[.detail] { said += " (\(detail))" }
        let quoted = "SQLSTATE \(state): \(said)"
        switch state {
        case "28P01", "28000":
            return OffloadError(.databaseUnavailable, "\(target) refused the login: \(quoted). \(passwordAdvice)")
        case "3D000":
            return OffloadError(.databaseUnavailable, "\(target): the database \"\(configuration.database)\" does not exist (\(quoted)). Create it (createdb \(configuration.database)) or fix the database name in the URL.")
        case "42501":
            return OffloadError(.databaseReadOnly, "\(target) denied a privilege Offload needs (\(quoted)). Grant the role CREATE on the database (for the migrations) and SELECT, INSERT, UPDATE, DELETE on the offload_* tables of schema \(configuration.schema).")
        case "25006":
            return OffloadError(.databaseReadOnly, "\(target) is read-only (\(quoted)): the URL points at a standby. Point it at the primary.")
        case "53300":
            return OffloadError(.databaseUnavailable, "\(target) has no connection slots left (\(quoted)). Lower maximumConnections per process, add a pooler, or raise max_connections.")
        case "40001", "40P01", "55P03", "57014":
            return OffloadError(.databaseBusy, "\(target) gave up on a statement that waited for locks or time (\(quoted)). A long transaction elsewhere holds rows Offload needs; shorten it.")
        case "23514":
            return OffloadError(.invalidOption, "\(target) refused a value Offload wrote (\(quoted)): a task's priority must lie between -100 and 100.")
        default:
            if state.hasPrefix("08") || state.hasPrefix("57P") || state.hasPrefix("53") {
                return OffloadError(.databaseUnavailable, "\(target) is unavailable: \(quoted). Check the server's state and logs.")
            }
            if state.hasPrefix("22") {
                return OffloadError(.invalidStoredRow, "\(target) holds a value Offload cannot use: \(quoted).")
            }
            return OffloadError(.databaseUnavailable, "\(target) refused a statement: \(quoted).")
        }
    }
}
