import Foundation
import Offload

/// Checks and creates the database file before SQLite opens it, so that errors name the real problem,
/// a new file is never readable by other users, and nothing another user planted is used.
///
/// In a directory others can write (`/tmp`, a shared project directory), a stranger could put a symbolic link
/// or a file of their own where the database, its `-wal` or its `-shm` will be: they would then read every
/// task's arguments and queue tasks the victim's workers run. So the files must be regular files, owned by
/// this user (or by root, or by the owner of a directory only that owner may write), and closed to others.
enum DatabaseFile {
    static func prepare(path: String, readOnly: Bool) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        var directoryInfo = stat()
        guard stat(directory, &directoryInfo) == 0, directoryInfo.st_mode & S_IFMT == S_IFDIR else {
            throw OffloadError(.databaseUnavailable, "The directory \(directory) for the task database \(path) does not exist. Create it (mkdir -p \(directory)) or choose another --database.")
        }
        warnIfOthersMayWrite(directory, directoryInfo)
        if try checkExisting(path, directoryInfo: directoryInfo) {
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
        // O_EXCL never follows a link planted meanwhile; O_NOFOLLOW says so again.
        let fd = open(path, O_CREAT | O_EXCL | O_NOFOLLOW | O_RDWR | O_CLOEXEC, 0o600)
        if fd < 0 {
            let code = errno
            if code == EEXIST {
                _ = try checkExisting(path, directoryInfo: directoryInfo)
                return
            }
            throw OffloadError(.databaseUnavailable, "Cannot create the task database \(path): \(String(cString: strerror(code))). Check that this user may write to \(directory).")
        }
        // The umask may have removed bits but never adds them; set the mode explicitly anyway.
        fchmod(fd, 0o600)
        close(fd)
    }

    /// Checks the database and its `-wal` and `-shm` files where they exist; returns whether the database does.
    private static func checkExisting(_ path: String, directoryInfo: stat) throws -> Bool {
        var info = stat()
        guard lstat(path, &info) == 0 else { return false }
        try check(path, info, directoryInfo: directoryInfo)
        for suffix in ["-wal", "-shm"] where lstat(path + suffix, &info) == 0 {
            try check(path + suffix, info, directoryInfo: directoryInfo)
        }
        return true
    }

    private static func check(_ file: String, _ info: stat, directoryInfo: stat) throws {
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            break
        case S_IFLNK:
            let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: file)) ?? "?"
            throw OffloadError(.databaseUnavailable, "\(file) is a symbolic link (to \(target)). Offload does not follow links for its database files: anyone who can write the directory could point them at a file of their own. Give --database the real path, or remove the link.")
        default:
            throw OffloadError(.databaseUnavailable, "\(file) is not a regular file. Check --database, or remove it.")
        }
        let directoryIsOwnersOnly = directoryInfo.st_mode & 0o022 == 0
        let trustedOwners: Set<uid_t> = directoryIsOwnersOnly ? [getuid(), 0, directoryInfo.st_uid] : [getuid(), 0]
        guard trustedOwners.contains(info.st_uid) else {
            throw OffloadError(.databaseUnavailable, "\(file) is owned by uid \(info.st_uid), not by this user (uid \(getuid())), in a directory others may write: it may have been planted to read or inject tasks. Check it; if it is yours, chown it, or choose another --database.")
        }
        guard info.st_mode & 0o077 == 0 else {
            throw OffloadError(.databaseUnavailable, "\(file) has mode \(String(info.st_mode & 0o777, radix: 8)): other users may read or write the tasks in it. Run `chmod 600 \(file)` (and the same for its -wal and -shm files).")
        }
    }

    /// A directory every user may write is where a stranger plants files: say so once per opening.
    private static func warnIfOthersMayWrite(_ directory: String, _ info: stat) {
        guard info.st_mode & 0o002 != 0 else { return }
        let mode = String(info.st_mode & 0o7777, radix: 8)
        FileHandle.standardError.write(Data("offload: warning: the directory \(directory) of the task database is writable by every user (mode \(mode)): another user could plant or replace files there. Keep the database in a directory only its users may write.\n".utf8))
    }
}
