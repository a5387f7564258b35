import Foundation
import Offload

/// The pieces of a `postgres://` URL, percent-decoded.
struct PostgresURL {
    var user: String?
    var password: String?
    var host: String
    var port: String?
    var database: String?
    var parameters: [String: String]
    /// The URL with its password replaced by `***`, safe to print.
    var redacted: String

    static let knownParameters: Set<String> = ["sslmode", "schema", "host", "port", "connect_timeout", "application_name", "passfile"]

    init(_ url: String) throws(OffloadError) {
        guard let schemeEnd = url.range(of: "://"), ["postgres", "postgresql"].contains(url[..<schemeEnd.lowerBound].lowercased()) else {
            let shown = url.contains("@") ? "a URL with another scheme" : "\"\(url)\""
            throw OffloadError(.invalidConfiguration, "The task database \(shown) is not a PostgreSQL URL: it must start with postgres:// or postgresql:// (for example postgres://offload@db.internal:5432/app).")
        }
        var rest = String(url[schemeEnd.upperBound...])
        var query = ""
        if let mark = rest.firstIndex(of: "?") {
            query = String(rest[rest.index(after: mark)...])
            rest = String(rest[..<mark])
        }
        var authority = rest
        var path = ""
        if let slash = rest.firstIndex(of: "/") {
            authority = String(rest[..<slash])
            path = String(rest[rest.index(after: slash)...])
        }
        var hostPort = authority
        var userInfo: String?
        if let at = authority.lastIndex(of: "@") {
            userInfo = String(authority[..<at])
            hostPort = String(authority[authority.index(after: at)...])
        }
        var user: String?
        var password: String?
        if let userInfo, let colon = userInfo.firstIndex(of: ":") {
            user = String(userInfo[..<colon]).removingPercentEncoding
            password = String(userInfo[userInfo.index(after: colon)...]).removingPercentEncoding
        } else {
            user = userInfo?.removingPercentEncoding
        }
        if user?.isEmpty == true { user = nil }
        self.user = user
        self.password = password
        let shownUser = userInfo == nil ? "" : (user ?? "") + (password == nil ? "" : ":***") + "@"
        redacted = "postgres://" + shownUser + hostPort + (path.isEmpty ? "" : "/" + path)

        guard !hostPort.contains(",") else {
            throw OffloadError(.invalidConfiguration, "The PostgreSQL URL \(redacted) names several hosts; the store connects to one: give the primary's address (a proxy or DNS name can move with failover).")
        }
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else {
                throw OffloadError(.invalidConfiguration, "The PostgreSQL URL \(redacted) opens an IPv6 address with [ but never closes it with ].")
            }
            host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
            let after = hostPort[hostPort.index(after: close)...]
            port = after.hasPrefix(":") ? String(after.dropFirst()) : nil
        } else if let colon = hostPort.lastIndex(of: ":") {
            host = String(hostPort[..<colon])
            port = String(hostPort[hostPort.index(after: colon)...])
        } else {
            host = hostPort
        }
        guard let decodedHost = host.removingPercentEncoding else {
            throw OffloadError(.invalidConfiguration, "The PostgreSQL URL \(redacted) has a badly percent-encoded host.")
        }
        host = decodedHost
        if port?.isEmpty == true { port = nil }
        database = path.isEmpty ? nil : path.removingPercentEncoding

        parameters = [:]
        for pair in query.split(separator: "&") where !pair.isEmpty {
            let pieces = pair.split(separator: "=", maxSplits: 1).map(String.init)
            let name = pieces[0].removingPercentEncoding ?? pieces[0]
            let value = pieces.count > 1 ? (pieces[1].removingPercentEncoding ?? pieces[1]) : ""
            guard name != "password" else {
                throw OffloadError(.invalidConfiguration, "The PostgreSQL URL passes password= as a parameter: leave the password out of the URL and set PGPASSWORD or OFFLOAD_DATABASE_PASSWORD_FILE instead.")
            }
            guard Self.knownParameters.contains(name) else {
                throw OffloadError(.invalidConfiguration, "The PostgreSQL URL \(redacted) has the parameter \"\(name)\", which Offload does not use; known parameters: \(Self.knownParameters.sorted().joined(separator: ", ")).")
            }
            parameters[name] = value
        }
        if !query.isEmpty { redacted += "?" + query }
    }
}
