import Foundation
import Offload

/// Finds the database password outside the command line: in a secret file, `PGPASSWORD` or a libpq password file.
enum PostgresPassword {
    struct Credential: Equatable {
        var password: String
        /// Said in error messages: "the URL", "PGPASSWORD", "the file /run/credentials/…".
        var source: String
    }

    static func resolve(urlPassword: String?, passfile: String?, host: String, port: Int, database: String, username: String, environment: [String: String]) throws(OffloadError) -> Credential? {
        if let urlPassword {
            return Credential(password: urlPassword, source: "the password in the URL")
        }
        if let path = environment["OFFLOAD_DATABASE_PASSWORD_FILE"], !path.isEmpty {
            let text = try read(path, purpose: "OFFLOAD_DATABASE_PASSWORD_FILE")
            // A trailing newline is an accident of `echo` or an editor, never part of the password.
            var password = text
            while password.hasSuffix("\n") || password.hasSuffix("\r") { password.removeLast() }
            guard !password.isEmpty else {
                throw OffloadError(.invalidConfiguration, "The password file \(path) (named by OFFLOAD_DATABASE_PASSWORD_FILE) is empty: write the database password in it.")
            }
            return Credential(password: password, source: "the file \(path) named by OFFLOAD_DATABASE_PASSWORD_FILE")
        }
        if let password = environment["PGPASSWORD"] {
            return Credential(password: password, source: "PGPASSWORD")
        }
        let explicitFile = passfile ?? environment["PGPASSFILE"].flatMap { $0.isEmpty ? nil : $0 }
        if let explicitFile {
            let text = try read(explicitFile, purpose: passfile != nil ? "the URL's passfile parameter" : "PGPASSFILE")
            return match(text, host: host, port: port, database: database, username: username).map {
                Credential(password: $0, source: "the password file \(explicitFile)")
            }
        }
        if let home = environment["HOME"], !home.isEmpty {
            let path = home + "/.pgpass"
            if let text = try? String(contentsOfFile: path, encoding: .utf8) {
                return match(text, host: host, port: port, database: database, username: username).map {
                    Credential(password: $0, source: "the password file \(path)")
                }
            }
        }
        return nil
    }

    private static func read(_ path: String, purpose: String) throws(OffloadError) -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? "this user (uid \(getuid())) cannot read it" : "it does not exist"
            throw OffloadError(.invalidConfiguration, "The password file \(path) (from \(purpose)) cannot be used: \(reason). Fix the path or its permissions.")
        }
    }

    /// The password of the first line of a `.pgpass` file (`host:port:database:user:password`, `*` matches
    /// anything, `\:` and `\\` escape) that matches the connection, as libpq picks it.
    static func match(_ text: String, host: String, port: Int, database: String, username: String) -> String? {
        for line in text.split(whereSeparator: \.isNewline) {
            if line.hasPrefix("#") { continue }
            let fields = splitFields(String(line))
            guard fields.count >= 5 else { continue }
            let wanted = [host, String(port), database, username]
            let matches = zip(fields.prefix(4), wanted).allSatisfy { field, value in field == "*" || field == value }
            if matches { return fields[4] }
        }
        return nil
    }

    private static func splitFields(_ line: String) -> [String] {
        var fields: [String] = []
        var current = ""
        var escaped = false
        for character in line {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == ":" && fields.count < 4 {
                fields.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        fields.append(current)
        return fields
    }
}
