import CInotifyTools
import Glibc

/// The watcher thread's side: the inotify watches, our record of what each one is for, and the
/// event loop.
///
/// Confined to the watcher thread: created, run and closed there, because libinotifytools keeps
/// its state in unsynchronised globals and its `next_event` blocks.
final class SourceWatcherSession {
    private let roots: [String]
    private let filter: WatchFilter
    private let wakeUp: SourceWatcherWakeUp
    private let idleWaitSeconds: Int
    private var wakeDescriptor: Int32?
    private var directories: [Int32: WatchedDirectory] = [:]
    private var descriptorsByPath: [String: Int32] = [:]

    /// Watches every root; throws if one is missing or cannot be watched.
    init(_ configuration: SourceWatcherConfiguration, wakeUp: SourceWatcherWakeUp) throws(SourceWatcherError) {
        roots = configuration.normalizedRoots
        filter = WatchFilter(ignoring: configuration.ignoredPatterns)
        self.wakeUp = wakeUp
        idleWaitSeconds = max(1, configuration.idleWaitSeconds)
        try SourceWatcherSlot.startLibrary()
        do throws(SourceWatcherError) {
            for root in roots { try watchRoot(root) }
        } catch {
            close()
            throw error
        }
        if let path = wakeUp.path, path.withCString({ inotifytools_watch_file($0, Int32(IN_CLOSE_WRITE)) }) == 1 {
            wakeDescriptor = inotifytools_wd_from_filename(path)
        }
    }

    /// Hands each change to `emit` until a stop is requested or reading fails.
    func run(emit: (SourceChange) -> Void) {
        while !wakeUp.isStopRequested {
            // At least one second: 0 would block forever (libinotifytools turns 0 into -1).
            guard let event = inotifytools_next_event(idleWaitSeconds) else {
                let code = inotifytools_error()
                guard code == 0 || code == EINTR else {
                    emit(SourceChange(paths: [], overflow: true, warnings: [.readFailed(errno: code)]))
                    return
                }
                continue
            }
            let seenAt = ContinuousClock.now
            // Copy out now: the pointer is into a static buffer the next call overwrites.
            let descriptor = event.pointee.wd
            let mask = event.pointee.mask
            let name = Self.name(of: event)
            if let change = handle(descriptor: descriptor, mask: mask, name: name, seenAt: seenAt) {
                emit(change)
            }
        }
    }

    /// Removes every watch this session added, so the shared inotify instance reports nothing more
    /// for them.
    ///
    /// A directory that no longer exists is skipped: its watch is gone or going (its `IN_IGNORED`
    /// not read yet), removing it would fail, and the library would say so on standard error.
    /// If it was moved away instead, the watch stays; its events match no later watcher's records.
    func close() {
        for (descriptor, directory) in directories where access(directory.path, F_OK) == 0 {
            inotifytools_remove_watch_by_wd(descriptor)
        }
        if let wakeDescriptor { inotifytools_remove_watch_by_wd(wakeDescriptor) }
        directories = [:]
        descriptorsByPath = [:]
        wakeDescriptor = nil
    }

    // MARK: - Events

    private func handle(descriptor: Int32, mask: UInt32, name: String, seenAt: ContinuousClock.Instant) -> SourceChange? {
        guard descriptor != wakeDescriptor else { return nil }
        switch SourceWatcherEvent(mask: mask, name: name, in: directories[descriptor], filter: filter) {
        case .ignored:
            return nil
        case .watchEnded:
            forget(descriptor)
            return nil
        case .changed(let path):
            return SourceChange(paths: [path], seenAt: seenAt)
        case .overflow:
            // Directories created while events were lost are not watched yet.
            return SourceChange(paths: [], seenAt: seenAt, overflow: true, warnings: rescanRoots())
        case .directoryAppeared(let path, let root):
            var files: [String] = []
            var warnings: [SourceWatcherError] = []
            do throws(SourceWatcherError) {
                try watchTree(path, root: root, files: &files)
            } catch where error.code != .pathNotFound {
                warnings.append(error)
            } catch {
                // Deleted again before we got to it: its deletion is the next event.
            }
            return SourceChange(paths: [path] + files, seenAt: seenAt, warnings: warnings)
        case .directoryVanished(let path, let moved):
            forgetTree(path, removingWatches: moved)
            return SourceChange(paths: [path], seenAt: seenAt)
        }
    }

    /// The entry name that follows the event header. `char name[]` is a flexible array member,
    /// which Swift does not import; it is NUL-padded within `len`.
    private static func name(of event: UnsafeMutablePointer<inotify_event>) -> String {
        guard event.pointee.len > 0 else { return "" }
        let start = UnsafeRawPointer(event).advanced(by: MemoryLayout<inotify_event>.size)
        return String(cString: start.assumingMemoryBound(to: CChar.self))
    }

    // MARK: - Watches

    /// Watches a root's parent for the root's name, then the root's tree if it is a directory.
    private func watchRoot(_ root: String) throws(SourceWatcherError) {
        var status = stat()
        guard stat(root, &status) == 0 else { throw .addingWatch(to: root, errno: errno) }
        if root != "/" {
            let slash = root.utf8.lastIndex(of: UInt8(ascii: "/"))!
            let parent = slash == root.utf8.startIndex ? "/" : String(root[..<slash])
            let name = String(root[root.index(after: slash)...])
            try addWatch(parent) { $0.rootNames.insert(name) }
        }
        if status.st_mode & S_IFMT == S_IFDIR {
            var files: [String] = []
            try watchTree(root, root: root, files: &files)
        }
    }

    /// Watches `directory` and every directory below it that the filter lets through, and lists
    /// the files found: files created before their directory's watch existed raise no event.
    ///
    /// Entries that vanish during the walk are skipped; other failures (the watch limit) throw.
    private func watchTree(_ directory: String, root: String, files: inout [String]) throws(SourceWatcherError) {
        do throws(SourceWatcherError) {
            try addWatch(directory) { if $0.root == nil { $0.root = root } }
        } catch where error.code == .pathNotFound && directory != root {
            return
        }
        guard let stream = opendir(directory) else { return }
        defer { closedir(stream) }
        while let entry = readdir(stream) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
            }
            guard name != ".", name != ".." else { continue }
            let path = directory == "/" ? "/" + name : directory + "/" + name
            guard !filter.ignores(relativePath: SourceWatcherEvent.relativePath(of: path, under: root)) else { continue }
            var status = stat()
            guard lstat(path, &status) == 0 else { continue }
            // Symbolic links are listed but not followed, so a link cycle cannot loop the walk.
            if status.st_mode & S_IFMT == S_IFDIR {
                try watchTree(path, root: root, files: &files)
            } else {
                files.append(path)
            }
        }
    }

    /// After an overflow: watches directories created while events were lost.
    private func rescanRoots() -> [SourceWatcherError] {
        var warnings: [SourceWatcherError] = []
        for root in roots {
            do throws(SourceWatcherError) {
                try watchRoot(root)
            } catch where error.code != .pathNotFound {
                warnings.append(error)
            } catch {
                // A root deleted meanwhile is watched again through its parent once re-created.
            }
        }
        return warnings
    }

    /// Adds (or updates the record of) the watch on `path`.
    private func addWatch(_ path: String, update: (inout WatchedDirectory) -> Void) throws(SourceWatcherError) {
        if let descriptor = descriptorsByPath[path] {
            update(&directories[descriptor, default: WatchedDirectory(path: path)])
            return
        }
        let spelling = Self.unusedSpelling(of: path)
        guard spelling.withCString({ inotifytools_watch_file($0, Int32(bitPattern: InotifyMask.directory)) }) == 1 else {
            throw .addingWatch(to: path, errno: inotifytools_error())
        }
        let descriptor = inotifytools_wd_from_filename(spelling)
        guard descriptor >= 0 else { throw .pathNotFound(path) }
        // The same directory reached by a second path (a symbolic-link root) shares the watch.
        update(&directories[descriptor, default: WatchedDirectory(path: path)])
        descriptorsByPath[path] = descriptor
    }

    /// A spelling of the directory `path` that libinotifytools has no watch under.
    ///
    /// The library finds a watch's descriptor only by the exact name it was added with, and it
    /// keeps that name after the kernel drops the watch (`IN_IGNORED` for a deleted directory).
    /// Re-watching a re-created directory (`rm -rf Generated && generate`) under the same name
    /// would then look up the dead descriptor. An equivalent spelling (`dir/./`) gives the new
    /// watch a name of its own. The trailing slash matches how the library names directories.
    private static func unusedSpelling(of path: String) -> String {
        var spelling = path == "/" ? "/" : path + "/"
        while inotifytools_wd_from_filename(spelling) >= 0 { spelling += "./" }
        return spelling
    }

    /// Drops the record of a watch the kernel has already removed.
    private func forget(_ descriptor: Int32) {
        guard let directory = directories.removeValue(forKey: descriptor) else { return }
        if descriptorsByPath[directory.path] == descriptor { descriptorsByPath[directory.path] = nil }
    }

    /// Drops the records of `path` and everything below it. A directory moved away is still
    /// watched, so its watches are removed too; a deleted one's are already gone (removing them
    /// would fail, and the library would say so on standard error).
    private func forgetTree(_ path: String, removingWatches: Bool) {
        let prefix = path + "/"
        let gone = descriptorsByPath.filter { $0.key == path || $0.key.hasPrefix(prefix) }
        for (entryPath, descriptor) in gone {
            descriptorsByPath[entryPath] = nil
            guard let directory = directories[descriptor], directory.path == entryPath else { continue }
            directories[descriptor] = nil
            if removingWatches { inotifytools_remove_watch_by_wd(descriptor) }
        }
    }
}
