import Foundation
import Offload

/// Finds the database password outside the command line: in a secret file, `PGPASSWORD` or a libpq password file.
enum PostgresPassword {
    /// Where a supervisor puts the password of its own URL for its workers, instead of their arguments
    /// (which every user sees in `ps`). The store opener removes it once read: see `TaskStoreLocation`.
    static let handedDownVariable = "OFFLOAD_DATABASE_PASSWORD"

    struct Credential: Equatable {
        var password: String
        /// Said in error messages: "the URL", "PGPASSWORD", "the file /run/credentials/…".
        var source: String
    }

    static func resolve(urlPassword: String?, passfile: String?, host: String, port: Int, database: String, username: String, environment: [String: String]) throws(OffloadError) -> Credential? {
        if let urlPassword {
            return Credential(password: urlPassword, source: "the password in the URL")
        }
        if let password = environment[handedDownVariable], !password.isEmpty {
            return Credential(password: password, source: handedDownVariable)
        }
        if let path = environment["OFFLOAD_DATABASE_PASSWORD_FILE"], !path.isEmpty {
            // A credential root manages may be shared with a group (as libpq allows for key files).
            let text = try read(path, purpose: "OFFLOAD_DATABASE_PASSWORD_FILE", groupMayReadIfRootOwns: true)
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
            if FileManager.default.fileExists(atPath: path) {
                let text = try read(path, purpose: "the default password file")
                return match(text, host: host, port: port, database: database, username: username).map {
                    Credential(password: $0, source: "the password file \(path)")
                }
            }
        }
        return nil
    }

    private static func read(_ path: String, purpose: String, groupMayReadIfRootOwns: Bool = false) throws(OffloadError) -> String {
        try checkPrivate(path, purpose: purpose, groupMayReadIfRootOwns: groupMayReadIfRootOwns)
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? "this user (uid \(getuid())) cannot read it" : "it does not exist"
            throw OffloadError(.invalidConfiguration, "The password file \(path) (from \(purpose)) cannot be used: \(reason). Fix the path or its permissions.")
        }
    }

    /// Refuses a password file other users can read, as libpq refuses such a `.pgpass`: the password
    /// it holds is no longer a secret, and using it would hide that.
    private static func checkPrivate(_ path: String, purpose: String, groupMayReadIfRootOwns: Bool) throws(OffloadError) {
        var info = stat()
        // A file that cannot be examined is reported by the read that follows.
        guard stat(path, &info) == 0 else { return }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw OffloadError(.invalidConfiguration, "The password file \(path) (from \(purpose)) is not a regular file: point it at the file holding the password.")
        }
        let othersBits = info.st_mode & 0o077
        let allowed: mode_t = groupMayReadIfRootOwns && info.st_uid == 0 ? 0o040 : 0
        guard othersBits & ~allowed == 0 else {
            let mode = String(info.st_mode & 0o7777, radix: 8)
            throw OffloadError(.invalidConfiguration, "The password file \(path) (from \(purpose)) can be read or changed by other users (mode \(mode)), so it is not used: run chmod 600 \(path) as its owner.")
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
