import Foundation

extension ConfigurationFile {
    /// Reads and parses the file at `path` only if no other user could have written it: it belongs to this
    /// user or root, and neither its group nor others may write it.
    ///
    /// The file names the worker executable the supervisor runs, so whoever can write it can run a program
    /// as the supervisor's user.
    /// - Throws: ``ConfigurationError`` with code `.untrustedFile`, `.unreadableFile`, or any code
    ///   ``init(parsing:path:)`` throws.
    public init(contentsOfTrusted path: String) throws(ConfigurationError) {
        let read: (bytes: [UInt8], owner: uid_t, mode: mode_t)
        do {
            read = try Self.readBytesAndOwnership(atPath: path)
        } catch {
            throw Self.unreadable(path, error)
        }
        if let reason = Self.untrustReason(owner: read.owner, mode: read.mode) {
            throw ConfigurationError(
                .untrustedFile,
                "The configuration file \(path) is \(reason): another user could choose the program the supervisor runs. Make it this user's (uid \(geteuid())) or root's, and `chmod go-w` it.",
                path: path)
        }
        try self.init(parsing: read.bytes, path: path)
    }

    /// Why a file with this owner and mode could have been written by another user, or `nil` if it could not.
    static func untrustReason(owner: uid_t, mode: mode_t) -> String? {
        if owner != geteuid() && owner != 0 { return "owned by uid \(owner)" }
        if mode & 0o022 != 0 { return "writable by other users (mode \(String(mode & 0o7777, radix: 8)))" }
        return nil
    }
}
