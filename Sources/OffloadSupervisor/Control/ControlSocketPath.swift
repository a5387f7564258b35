import Foundation

/// Checks the control socket's path before the supervisor binds it: the place must be private to this
/// user, and nothing but a stale socket of this user may be removed from it.
///
/// Binding a Unix socket needs the path to be free, and the old code freed it with a bare `unlink`: pointed
/// at the database by mistake, that destroyed the database and every task in it. In a directory other users
/// can write, one of them could bind the socket first and answer `ctl` in the supervisor's name.
enum ControlSocketPath {
    /// What sits at the path now.
    enum Occupant: Equatable {
        case nothing
        /// A socket of this user that nobody listens on: left by a supervisor that died.
        case staleSocket
        /// A socket of this user with a listener: another supervisor.
        case liveSocket
        /// Anything else: never removed.
        case foreign(String)
    }

    /// Makes `path` ready to bind: refuses it, or removes a stale socket of ours.
    ///
    /// - Parameter database: the task database (a path, or a URL that names no file), whose file and
    ///   journal files the socket must never replace.
    /// - Throws: ``ConfigurationError`` when the path is unusable as configured; ``ControlSocketError`` when
    ///   another supervisor answers on it.
    static func prepare(_ path: String, database: String) throws {
        try refuseDatabaseFiles(path, database: database)
        try checkDirectory(of: path)
        switch occupant(of: path) {
        case .nothing:
            return
        case .staleSocket:
            unlink(path)
        case .liveSocket:
            throw ControlSocketError("Another supervisor is already listening on \(path). Stop it, or give this one another control-socket.")
        case .foreign(let what):
            throw ConfigurationError(
                .invalidValue,
                "The control-socket path \(path) is taken by \(what), not by a stale control socket of this user; the supervisor removes nothing else. Point control-socket (--control-socket) at a free path, or remove that file yourself if it is garbage.")
        }
    }

    /// Refuses a socket path that is the database or one of its journal files.
    static func refuseDatabaseFiles(_ path: String, database: String) throws(ConfigurationError) {
        guard !database.contains("://") else { return }
        let socket = canonical(path)
        for suffix in ["", "-wal", "-shm", "-journal"] where canonical(database + suffix) == socket {
            throw ConfigurationError(
                .invalidValue,
                "The control-socket path \(path) is the database's file \(database + suffix): starting would destroy it. Give control-socket (--control-socket) a path of its own, such as \(SupervisorSettings.defaultControlSocket(database: database, environment: [:], workingDirectory: "/")).")
        }
    }

    /// Refuses a directory that other users can write: they could bind the socket there before the supervisor.
    static func checkDirectory(of path: String) throws(ConfigurationError) {
        let directory = (path as NSString).deletingLastPathComponent
        var info = stat()
        guard stat(directory.isEmpty ? "." : directory, &info) == 0 else {
            throw ConfigurationError(
                .invalidValue,
                "The control socket's directory \(directory) cannot be used: \(String(cString: strerror(errno))). Create it (mkdir -m 0700), or point control-socket elsewhere.")
        }
        let mode = info.st_mode & 0o7777
        let owner = info.st_uid
        guard owner == geteuid() || owner == 0, mode & 0o022 == 0 else {
            let who = mode & 0o022 != 0 ? "is writable by other users (mode \(String(mode, radix: 8)))" : "belongs to uid \(owner)"
            throw ConfigurationError(
                .invalidValue,
                "The control socket's directory \(directory) \(who): another user could bind the control socket there first and answer `supervisor ctl` in this supervisor's name. Point control-socket (--control-socket) into a directory only this user can write, such as one made with mkdir -m 0700.")
        }
    }

    /// What sits at `path`, without following a symbolic link.
    static func occupant(of path: String) -> Occupant {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            return errno == ENOENT ? .nothing : .foreign("something that cannot be examined (\(String(cString: strerror(errno))))")
        }
        let type = info.st_mode & S_IFMT
        guard type == S_IFSOCK else {
            let kind = switch type {
            case S_IFREG: "a regular file"
            case S_IFDIR: "a directory"
            case S_IFLNK: "a symbolic link"
            default: "a special file"
            }
            return .foreign("\(kind) of \(info.st_size) bytes owned by uid \(info.st_uid)")
        }
        guard info.st_uid == geteuid() else { return .foreign("a socket of another user (uid \(info.st_uid))") }
        switch ControlClient.probe(path) {
        case .listening: return .liveSocket
        case .refused: return .staleSocket
        case .failed(let reason): return .foreign("a socket that cannot be probed (\(reason))")
        }
    }

    /// The path with its directory's symbolic links resolved, so two spellings of one file compare equal.
    static func canonical(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        let standardized = URL(fileURLWithPath: absolute).standardizedFileURL
        let directory = standardized.deletingLastPathComponent().path
        guard let resolved = realpath(directory, nil) else { return standardized.path }
        defer { free(resolved) }
        return URL(fileURLWithPath: String(cString: resolved)).appendingPathComponent(standardized.lastPathComponent).path
    }
}
