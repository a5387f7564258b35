import Glibc

/// Why sources could not be watched, with what a user needs to fix it.
///
/// Compare codes, not messages: `catch let error as SourceWatcherError where error.code == .watchLimitReached`.
public struct SourceWatcherError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure; new codes may be added, so switch with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Value: String {
            case invalidConfiguration, pathNotFound, permissionDenied, watchLimitReached
            case instanceLimitReached, alreadyActive, inotifyUnavailable, descriptorTooHigh, watchFailed, readFailed
        }
        fileprivate let value: Value
        public var description: String { value.rawValue }

        /// A root is relative, or no root was given.
        public static let invalidConfiguration = Code(value: .invalidConfiguration)
        /// A path to watch does not exist.
        public static let pathNotFound = Code(value: .pathNotFound)
        /// A directory to watch cannot be read.
        public static let permissionDenied = Code(value: .permissionDenied)
        /// `inotify_add_watch` failed with `ENOSPC`: `fs.inotify.max_user_watches` is used up
        /// (the disk is not full).
        public static let watchLimitReached = Code(value: .watchLimitReached)
        /// `inotify_init` failed with `EMFILE`: `fs.inotify.max_user_instances` is used up, or the
        /// process is out of file descriptors.
        public static let instanceLimitReached = Code(value: .instanceLimitReached)
        /// Another ``SourceWatcher`` is running in this process; libinotifytools allows one.
        public static let alreadyActive = Code(value: .alreadyActive)
        /// inotify could not be started for another reason (see `systemError`).
        public static let inotifyUnavailable = Code(value: .inotifyUnavailable)
        /// The first watcher of the process would get a descriptor of 1024 or more, which libinotifytools
        /// cannot wait on; it may start once the process holds fewer.
        public static let descriptorTooHigh = Code(value: .descriptorTooHigh)
        /// `inotify_add_watch` failed for another reason (see `systemError`).
        public static let watchFailed = Code(value: .watchFailed)
        /// Reading events failed; the watcher stopped.
        public static let readFailed = Code(value: .readFailed)
    }

    public let code: Code
    /// A sentence saying what went wrong and what to do about it.
    public let message: String
    /// The path concerned, when there is one.
    public let path: String?
    /// The `errno` behind the failure, when there is one.
    public let systemError: Int32?

    public init(_ code: Code, _ message: String, path: String? = nil, systemError: Int32? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.systemError = systemError
    }

    public var description: String { message }
}

extension SourceWatcherError {
    static func invalidConfiguration(_ detail: String) -> Self {
        SourceWatcherError(.invalidConfiguration, "Invalid source watcher configuration: \(detail).")
    }

    static func pathNotFound(_ path: String) -> Self {
        SourceWatcherError(.pathNotFound, "Cannot watch \(path): no such file or directory. Check the package path and the extra paths to watch in the configuration.", path: path, systemError: ENOENT)
    }

    static func permissionDenied(_ path: String) -> Self {
        SourceWatcherError(.permissionDenied, "Cannot watch \(path): permission denied. The supervisor's user must be able to read that directory and search its parents.", path: path, systemError: EACCES)
    }

    /// ENOSPC from `inotify_add_watch`: say which limit, its value, and how to raise it, because
    /// "No space left on device" sends people looking at a disk that is fine.
    static func watchLimitReached(_ path: String, limit: Int?) -> Self {
        let current = limit.map { "fs.inotify.max_user_watches = \($0)" } ?? "fs.inotify.max_user_watches"
        let suggested = max(524_288, (limit ?? 0) * 2)
        return SourceWatcherError(.watchLimitReached, "Cannot watch \(path): the inotify watch limit is reached (\(current), shared by every program this user runs). The disk is not full: ENOSPC from inotify_add_watch means this limit. Close programs that watch many files (IDEs, other watchers), add large directories to the ignored patterns, or raise the limit: `sudo sysctl fs.inotify.max_user_watches=\(suggested)` (put it in /etc/sysctl.d/ to keep it).", path: path, systemError: ENOSPC)
    }

    /// EMFILE from `inotify_init`: the per-user instance limit, or this process's descriptor limit.
    static func instanceLimitReached(limit: Int?) -> Self {
        let current = limit.map { "fs.inotify.max_user_instances = \($0)" } ?? "fs.inotify.max_user_instances"
        let suggested = max(512, (limit ?? 0) * 2)
        return SourceWatcherError(.instanceLimitReached, "Cannot start watching sources: the inotify instance limit is reached (\(current), shared by every program this user runs), or this process is out of file descriptors (ulimit -n). Close other file watchers, or raise the limit: `sudo sysctl fs.inotify.max_user_instances=\(suggested)` (put it in /etc/sysctl.d/ to keep it).", systemError: EMFILE)
    }

    static let alreadyActive = SourceWatcherError(.alreadyActive, "Another SourceWatcher is already running in this process. libinotifytools keeps its state in process-wide globals, so only one watcher may run at a time: call stop() on the other one and wait until its changes() stream has finished before starting a new one.")

    /// libinotifytools waits with `select()`, which corrupts memory for descriptors of 1024 and above.
    static func descriptorTooHigh(_ descriptor: Int32) -> Self {
        SourceWatcherError(.descriptorTooHigh, "Cannot start watching sources: the next file descriptor would be \(descriptor), and libinotifytools waits on its descriptor with select(), which only handles numbers below \(FD_SETSIZE). Create the SourceWatcher early, before the process opens many files.", systemError: EMFILE)
    }

    static func inotifyUnavailable(errno code: Int32) -> Self {
        SourceWatcherError(.inotifyUnavailable, "Cannot start watching sources: inotify_init failed: \(describe(code)).", systemError: code)
    }

    static func watchFailed(_ path: String, errno code: Int32) -> Self {
        SourceWatcherError(.watchFailed, "Cannot watch \(path): inotify_add_watch failed: \(describe(code)).", path: path, systemError: code)
    }

    static func readFailed(errno code: Int32) -> Self {
        SourceWatcherError(.readFailed, "Reading inotify events failed: \(describe(code)). The source watcher stopped; restart the supervisor to watch again.", systemError: code)
    }

    /// Translates an `inotify_add_watch` errno into the error a user can act on.
    ///
    /// - Parameter readLimit: reads a limit by its name under `/proc/sys/fs/inotify/`; tests pass a stub.
    static func addingWatch(
        to path: String, errno code: Int32,
        readLimit: (String) -> Int? = InotifyLimit.current
    ) -> Self {
        switch code {
        case ENOSPC: watchLimitReached(path, limit: readLimit(InotifyLimit.maxUserWatches))
        case ENOENT, ENOTDIR: pathNotFound(path)
        case EACCES, EPERM: permissionDenied(path)
        default: watchFailed(path, errno: code)
        }
    }

    /// Translates an `inotify_init` errno.
    static func initializing(errno code: Int32, readLimit: (String) -> Int? = InotifyLimit.current) -> Self {
        code == EMFILE
            ? instanceLimitReached(limit: readLimit(InotifyLimit.maxUserInstances))
            : inotifyUnavailable(errno: code)
    }

    private static func describe(_ code: Int32) -> String {
        "\(String(cString: strerror(code))) (errno \(code))"
    }
}

/// The kernel's per-user inotify limits, read where `sysctl` writes them.
enum InotifyLimit {
    static let maxUserWatches = "max_user_watches"
    static let maxUserInstances = "max_user_instances"

    /// The current value of `/proc/sys/fs/inotify/<name>`, or nil if it cannot be read.
    static func current(_ name: String) -> Int? {
        guard let file = fopen("/proc/sys/fs/inotify/\(name)", "re") else { return nil }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 32)
        guard fgets(&line, Int32(line.count), file) != nil else { return nil }
        let digits = line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }.filter { $0 >= 0x30 && $0 <= 0x39 }
        return Int(String(decoding: digits, as: UTF8.self))
    }
}
