import NIOCore
import Offload
import PostgresNIO

/// postgres-nio's configurations (the pool's, and the store's own connections') from one ``PostgresStoreConfiguration``.
extension PostgresTaskStore {
    static func clientConfiguration(_ configuration: PostgresStoreConfiguration) throws -> PostgresClient.Configuration {
        var client: PostgresClient.Configuration
        switch configuration.endpoint {
        case .tcp(let host, let port):
            let tls: PostgresClient.Configuration.TLS = switch (configuration.tls, tlsConfiguration(configuration)) {
            case (.prefer, let tls?): .prefer(tls)
            case (_, let tls?): .require(tls)
            case (_, nil): .disable
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

    /// The TLS setting of the store's own connections (the listener's, the migrations'), made once.
    static func directTLS(_ configuration: PostgresStoreConfiguration) throws -> PostgresConnection.Configuration.TLS {
        guard let tls = tlsConfiguration(configuration) else { return .disable }
        do {
            let context = try NIOSSLContext(configuration: tls)
            return configuration.tls == .prefer ? .prefer(context) : .require(context)
        } catch {
            throw OffloadError(.invalidConfiguration, "Cannot set up TLS for PostgreSQL at \(configuration.endpoint) (sslmode=\(configuration.tls.rawValue)\(configuration.tlsRootCertificateFile.map { ", sslrootcert=\($0)" } ?? "")): \(error). Check the CA certificate file, or the system's CA certificates.")
        }
    }

    /// libpq's modes: `prefer` and `require` encrypt without checking who answers; `verify-ca` checks the
    /// certificate's chain, `verify-full` its chain and its host name. `sslrootcert` replaces the system's
    /// trust roots with the CA file given.
    static func tlsConfiguration(_ configuration: PostgresStoreConfiguration) -> TLSConfiguration? {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch configuration.tls {
        case .disable: return nil
        case .prefer, .require: tls.certificateVerification = .none
        case .verifyCA: tls.certificateVerification = .noHostnameVerification
        case .verifyFull: tls.certificateVerification = .fullVerification
        }
        if let file = configuration.tlsRootCertificateFile { tls.trustRoots = .file(file) }
        return tls
    }

    /// A connection outside the pool, for migrations and for listening. Over TCP it runs through
    /// ``CleartextPasswordGuard``, so that the password never leaves unencrypted.
    func openConnection() async throws -> PostgresConnection {
        var connection: PostgresConnection.Configuration
        let eventLoop = PostgresConnection.defaultEventLoopGroup.any()
        switch configuration.endpoint {
        case .tcp(let host, let port):
            let tlsRequested = configuration.tls != .disable
            let channel: any Channel
            do {
                channel = try await ClientBootstrap(group: eventLoop)
                    .connectTimeout(.milliseconds(Int64(configuration.connectTimeout.milliseconds)))
                    .channelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHandler(CleartextPasswordGuard(tlsRequested: tlsRequested))
                        }
                    }
                    .connect(host: host, port: port).get()
            } catch {
                throw errors.cannotConnect(reason: "\(error)")
            }
            connection = .init(establishedChannel: channel, tls: directTLS, username: configuration.username, password: configuration.password, database: configuration.database)
            // postgres-nio names the server for TLS only when it connects itself; an IP address is no SNI name.
            if !Self.isIPAddress(host) { connection.options.tlsServerName = host }
        case .unixSocket(let path):
            connection = .init(unixSocketPath: path, username: configuration.username, password: configuration.password, database: configuration.database)
        }
        connection.options.connectTimeout = .milliseconds(configuration.connectTimeout.milliseconds)
        connection.options.additionalStartupParameters = [("application_name", configuration.applicationName)]
        do {
            return try await PostgresConnection.connect(on: eventLoop, configuration: connection, id: Self.nextConnectionID(), logger: logger)
        } catch {
            throw errors.translate(error)
        }
    }

    static func isIPAddress(_ host: String) -> Bool {
        host.contains(":") || (!host.isEmpty && host.allSatisfy { $0.isASCII && ($0.isNumber || $0 == ".") })
    }
}
