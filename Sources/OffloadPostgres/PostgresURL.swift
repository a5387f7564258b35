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
    /// The URL as written, without its password (and without the `:` before it).
    var withoutPassword: String

    static let knownParameters: Set<String> = ["sslmode", "sslrootcert", "schema", "host", "port", "connect_timeout", "application_name", "passfile"]

    init(_ url: String) throws(OffloadError) {
        guard let schemeEnd = url.range(of: "://"), ["postgres", "postgresql"].contains(url[..<schemeEnd.lowerBound].lowercased()) else {
            let shown = url.contains("@") ? "a URL with another scheme" : "\"\(url)\""
            throw OffloadError(.invalidConfiguration, "The task database \(shown) is not a PostgreSQL URL: it must start with postgres:// or postgresql:// (for example postgres://offload@db.internal:5432/app).")
        }
        guard let reading = Self.read(url) else {
            // No reading of the URL is sure to keep the password apart, so none of it is shown.
            throw OffloadError(.invalidConfiguration, "The PostgreSQL URL cannot be read (not shown, as it may hold a password): write it as postgres://USER@HOST:PORT/DATABASE?PARAMETERS, and percent-encode any @, /, ? or : in the user name or password (%40, %2F, %3F, %3A).")
        }
        let parts = reading.parts
        user = reading.user
        password = reading.password
        redacted = reading.redacted
        withoutPassword = reading.withoutPassword

        let hostPort = parts.hostPort
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
        database = parts.path.flatMap { $0.isEmpty ? nil : $0.removingPercentEncoding }

        parameters = [:]
        for (name, value) in Self.pairs(parts.query ?? "") {
            guard name != "password" else {
                throw OffloadError(.invalidConfiguration, "The PostgreSQL URL passes password= as a parameter: leave the password out of the URL and set PGPASSWORD or OFFLOAD_DATABASE_PASSWORD_FILE instead.")
            }
            guard Self.knownParameters.contains(name) else {
                throw OffloadError(.invalidConfiguration, "The PostgreSQL URL \(redacted) has the parameter \"\(name)\", which Offload does not use; known parameters: \(Self.knownParameters.sorted().joined(separator: ", ")).")
            }
            parameters[name] = value
        }
    }

    /// The user and password of a URL, and the URL with the password hidden or removed.
    struct Reading {
        var parts: Parts
        var user: String?
        var password: String?
        var redacted: String
        var withoutPassword: String
    }

    /// `nil` for a URL that is not `postgres://` or that no reading fits.
    static func read(_ url: String) -> Reading? {
        guard let schemeEnd = url.range(of: "://"), ["postgres", "postgresql"].contains(url[..<schemeEnd.lowerBound].lowercased()),
              let parts = split(String(url[schemeEnd.upperBound...])) else { return nil }
        let scheme = String(url[..<schemeEnd.upperBound])
        var user: String?
        var password: String?
        if let userInfo = parts.userInfo, let colon = userInfo.firstIndex(of: ":") {
            user = String(userInfo[..<colon]).removingPercentEncoding
            password = String(userInfo[userInfo.index(after: colon)...]).removingPercentEncoding
        } else {
            user = parts.userInfo?.removingPercentEncoding
        }
        if user?.isEmpty == true { user = nil }
        let rawUser = parts.userInfo.map { $0.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)[0] }
        let tail = parts.hostPort + (parts.path.map { "/" + $0 } ?? "") + (parts.query.map { "?" + $0 } ?? "")
        let hasPassword = parts.userInfo?.contains(":") == true
        return Reading(
            parts: parts, user: user, password: password,
            redacted: scheme + (rawUser.map { $0 + (hasPassword ? ":***" : "") + "@" } ?? "") + tail,
            withoutPassword: scheme + (rawUser.map { $0 + "@" } ?? "") + tail)
    }

    /// What follows `scheme://`, cut into its parts.
    struct Parts {
        var userInfo: String?
        var hostPort: String
        var path: String?
        var query: String?
    }

    /// Finds where the user and password end.
    ///
    /// A password may hold `@`, `/` or `?` (people paste them unencoded), and a parameter value may hold
    /// `@` (`application_name=me@web`), so neither the first nor the last `@` can be trusted. The reading
    /// kept is the first, with no user information and then at each `@` in turn, whose remainder is a
    /// well-formed `host[:port][/database][?parameters]`: no `@` in the host or database, parameters
    /// Offload knows (then, for a helpful error on a misspelt one, any names). Nothing of a URL no reading
    /// fits is ever shown.
    static func split(_ rest: String) -> Parts? {
        var separators: [String.Index?] = [nil]
        separators += rest.indices.filter { rest[$0] == "@" }.map { Optional($0) }
        for knownNamesOnly in [true, false] {
            for separator in separators {
                let remainder = separator.map { String(rest[rest.index(after: $0)...]) } ?? rest
                if var parts = remainderParts(remainder, knownNamesOnly: knownNamesOnly) {
                    parts.userInfo = separator.map { String(rest[..<$0]) }
                    return parts
                }
            }
        }
        return nil
    }

    private static func remainderParts(_ remainder: String, knownNamesOnly: Bool) -> Parts? {
        var front = remainder
        var query: String?
        if let mark = remainder.firstIndex(of: "?") {
            query = String(remainder[remainder.index(after: mark)...])
            front = String(remainder[..<mark])
        }
        var hostPort = front
        var path: String?
        if let slash = front.firstIndex(of: "/") {
            hostPort = String(front[..<slash])
            path = String(front[front.index(after: slash)...])
        }
        guard !hostPort.contains("@"), path?.contains("@") != true else { return nil }
        for (name, _) in pairs(query ?? "") {
            guard !name.isEmpty, !knownNamesOnly || knownParameters.contains(name) || name == "password" else { return nil }
        }
        return Parts(userInfo: nil, hostPort: hostPort, path: path, query: query)
    }

    private static func pairs(_ query: String) -> [(name: String, value: String)] {
        query.split(separator: "&").map { pair in
            let pieces = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let name = pieces[0].removingPercentEncoding ?? pieces[0]
            let value = pieces.count > 1 ? (pieces[1].removingPercentEncoding ?? pieces[1]) : ""
            return (name, value)
        }
    }
}
