import CInotifyTools

/// One directory with an inotify watch on it, and why it is watched.
struct WatchedDirectory: Equatable {
    /// Absolute path, without a trailing slash.
    var path: String
    /// The root whose whole content this directory belongs to, or nil if the directory is watched
    /// only because it holds roots (the package directory, for `Package.swift`).
    var root: String?
    /// Names of roots directly inside this directory. A file root is watched this way, through its
    /// directory, so an editor's rename-save is seen; a directory root too, so it is watched again
    /// if it is deleted and re-created.
    var rootNames: Set<String> = []
}

/// The inotify events the watcher asks for.
enum InotifyMask {
    /// Saves (`IN_CLOSE_WRITE`, and `IN_MOVED_TO` for rename-saves), new and removed entries, and
    /// the watched directory itself going away. Not `IN_MODIFY`: one save writes many times and
    /// `IN_CLOSE_WRITE` follows. `IN_Q_OVERFLOW` and `IN_IGNORED` always arrive unasked.
    static let events = UInt32(
        IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF)
    /// For directory watches: fail with ENOTDIR rather than watch a file that replaced a directory.
    static let directory = events | UInt32(IN_ONLYDIR)
}

/// What one raw inotify event means to the watcher.
///
/// Decided from the event's mask and name and the record of the directory it came from, without
/// touching inotify, so the mapping is tested on its own.
enum SourceWatcherEvent: Equatable {
    /// Nothing to do: an ignored path, an unwatched entry beside a root, or a watch already forgotten.
    case ignored
    /// `IN_Q_OVERFLOW`: the kernel dropped events, so anything may have changed.
    case overflow
    /// A file (or the watched directory itself) changed.
    case changed(String)
    /// A directory was created or moved in: watch it and what is already inside it.
    case directoryAppeared(String, root: String)
    /// A directory was deleted or moved out: forget its watches (`moved`: they are still live).
    case directoryVanished(String, moved: Bool)
    /// `IN_IGNORED`: the kernel dropped this watch (its directory is gone).
    case watchEnded

    /// - Parameters:
    ///   - mask: the event's mask.
    ///   - name: the entry's name, empty for events about the watched directory itself.
    ///   - directory: the record of the watch the event came from; nil if it is not (or no longer) ours.
    init(mask: UInt32, name: String, in directory: WatchedDirectory?, filter: WatchFilter) {
        // Checked first: an overflow carries wd -1, which belongs to no directory.
        if mask & UInt32(IN_Q_OVERFLOW) != 0 { self = .overflow; return }
        guard let directory else { self = .ignored; return }
        if mask & UInt32(IN_IGNORED) != 0 { self = .watchEnded; return }

        guard !name.isEmpty else {
            // The directory itself was deleted or moved; its parent reports the same with a name,
            // except for a root whose parent is not watched for it.
            let selfGone = mask & UInt32(IN_DELETE_SELF | IN_MOVE_SELF) != 0
            self = selfGone && directory.root != nil ? .changed(directory.path) : .ignored
            return
        }

        let path = directory.path == "/" ? "/" + name : directory.path + "/" + name
        let root: String
        if directory.rootNames.contains(name) {
            root = path  // a root is never filtered: it was asked for by name
        } else if let parentRoot = directory.root,
            !filter.ignores(relativePath: Self.relativePath(of: path, under: parentRoot))
        {
            root = parentRoot
        } else {
            self = .ignored
            return
        }

        if mask & UInt32(IN_ISDIR) != 0 {
            if mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0 {
                self = .directoryAppeared(path, root: root)
            } else if mask & UInt32(IN_DELETE | IN_MOVED_FROM) != 0 {
                self = .directoryVanished(path, moved: mask & UInt32(IN_MOVED_FROM) != 0)
            } else {
                self = .ignored
            }
        } else if mask & UInt32(IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO) != 0 {
            self = .changed(path)
        } else {
            self = .ignored
        }
    }

    /// `path` relative to `root` (which contains it), `""` for the root itself.
    static func relativePath(of path: String, under root: String) -> String {
        guard path != root else { return "" }
        let prefixLength = root == "/" ? 1 : root.utf8.count + 1
        return String(decoding: path.utf8.dropFirst(prefixLength), as: UTF8.self)
    }
}
