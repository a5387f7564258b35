import Offload
import PostgresNIO

/// postgres-nio's two configuration types (pool and single connection) from one ``PostgresStoreConfiguration``.
extension PostgresTaskStore {
    static func clientConfiguration(_ configuration: PostgresStoreConfiguration) throws -> PostgresClient.Configuration {
        var client: PostgresClient.Configuration
        switch configuration.endpoint {
        case .tcp(let host, let port):
            let tls: PostgresClient.Configuration.TLS = switch configuration.tls {
            case .disable: .disable
            case .prefer: .prefer(unverifiedTLS())
            case .require: .require(unverifiedTLS())
            case .verifyFull: .require(.makeClientConfiguration())
            }
            client = .init(host: host, port: port, username: configuration.username, password: configuration.password, database: configuration.database, tls: tls)
        case .unixSocket(let path):
            client = .init(unixSocketPath: path, username: configuration.username, password: configuration.password, database: configuration.database)
        }
        client.options.maximumConnections = configuration.maximumConnections
        client.options.connectTimeout = configuration.connectTimeout
        client.options.additionalStartupParameters = [("application_name", configuration.applicationName)]
        return client
    }

    static func connectionConfiguration(_ configuration: PostgresStoreConfiguration) throws -> PostgresConnection.Configuration {
        var connection: PostgresConnection.Configuration
        switch configuration.endpoint {
        case .tcp(let host, let port):
            let tls: PostgresConnection.Configuration.TLS
            do {
                tls = switch configuration.tls {
                case .disable: .disable
                case .prefer: .prefer(try NIOSSLContext(configuration: unverifiedTLS()))
                case .require: .require(try NIOSSLContext(configuration: unverifiedTLS()))
                case .verifyFull: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
                }
            } catch {
                throw OffloadError(.invalidConfiguration, "Cannot set up TLS for PostgreSQL at \(configuration.endpoint) (sslmode=\(configuration.tls.rawValue)): \(error). Check the system's CA certificates, or use sslmode=require.")
            }
            connection = .init(host: host, port: port, username: configuration.username, password: configuration.password, database: configuration.database, tls: tls)
        case .unixSocket(let path):
            connection = .init(unixSocketPath: path, username: configuration.username, password: configuration.password, database: configuration.database)
        }
        connection.options.connectTimeout = .milliseconds(configuration.connectTimeout.milliseconds)
        connection.options.additionalStartupParameters = [("application_name", configuration.applicationName)]
        return connection
    }

    /// libpq's `prefer` and `require` encrypt without checking the certificate; `verify-full` checks it.
    private static func unverifiedTLS() -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .none
        return tls
    }
}
