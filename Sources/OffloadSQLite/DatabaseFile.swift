import Foundation
import Offload

/// Checks and creates the database file before SQLite opens it, so that errors name the real problem
/// and a new file is never readable by other users.
enum DatabaseFile {
    static func prepare(path: String, readOnly: Bool) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw OffloadError(.databaseUnavailable, "The directory \(directory) for the task database \(path) does not exist. Create it (mkdir -p \(directory)) or choose another --database.")
        }
        if FileManager.default.fileExists(atPath: path) {
            guard access(path, R_OK) == 0 else {
                throw OffloadError(.databaseUnavailable, "The task database \(path) exists but this user (uid \(getuid())) may not read it. Fix its owner or permissions.")
            }
            if !readOnly && (access(path, W_OK) != 0 || access(directory, W_OK) != 0) {
                throw OffloadError(.databaseReadOnly, "The task database \(path) is read-only for this user (uid \(getuid())). Give write permission on the file and on \(directory): SQLite writes \(url.lastPathComponent)-wal and -shm beside it.")
            }
            return
        }
        guard !readOnly else {
            throw OffloadError(.databaseUnavailable, "The task database \(path) does not exist, and it was asked for read-only, so it is not created. Check --database.")
        }
        // SQLite gives the -wal and -shm files the mode of the database file, so 0600 here covers all three.
        let fd = open(path, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0o600)
        if fd < 0 {
            let code = errno
            if code == EEXIST { return }
            throw OffloadError(.databaseUnavailable, "Cannot create the task database \(path): \(String(cString: strerror(code))). Check that this user may write to \(directory).")
        }
        // The umask may have removed bits but never adds them; set the mode explicitly anyway.
        fchmod(fd, 0o600)
        close(fd)
    }
}
