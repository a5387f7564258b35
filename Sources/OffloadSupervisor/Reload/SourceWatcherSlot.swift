import CInotifyTools
import Glibc
import Synchronization

/// The process's single right to use libinotifytools, and the library's one-time start.
///
/// libinotifytools keeps its descriptor, its watch tables and its event buffer in unsynchronised
/// globals, so two watchers at once would corrupt each other: the second is refused instead.
enum SourceWatcherSlot {
    private struct State {
        var taken = false
        var libraryStarted = false
    }
    private static let state = Mutex(State())

    /// Takes the slot, or throws ``SourceWatcherError/Code/alreadyActive``.
    static func claim() throws(SourceWatcherError) {
        let claimed = state.withLock { state in
            defer { state.taken = true }
            return !state.taken
        }
        guard claimed else { throw .alreadyActive }
    }

    /// Gives the slot back; called by the watcher thread once it no longer touches the library.
    static func release() {
        state.withLock { $0.taken = false }
    }

    /// Starts libinotifytools the first time a watcher runs; later watchers reuse its instance.
    ///
    /// The instance is never cleaned up, on purpose. `inotifytools_cleanup` leaves the read
    /// position of the library's static event buffer behind, so events read but not yet handed out
    /// when a watcher stops would go to the next watcher, whose fresh inotify instance numbers its
    /// watches from 1 again: they would be taken for changes in unrelated directories. On one
    /// instance the kernel never reuses a watch descriptor soon (it hands them out cyclically),
    /// so such leftovers match no watch and are dropped.
    ///
    /// Call only while holding the slot.
    static func startLibrary() throws(SourceWatcherError) {
        guard !state.withLock({ $0.libraryStarted }) else { return }
        // libinotifytools waits with select(), which writes past its fd_set for descriptors at or
        // above FD_SETSIZE. inotify_init takes the lowest free descriptor, which this probe finds.
        let probe = open("/dev/null", O_RDONLY | O_CLOEXEC)
        if probe >= 0 { close(probe) }
        guard probe < FD_SETSIZE else { throw .descriptorTooHigh(probe) }
        let before = inotifyDescriptors()
        guard inotifytools_initialize() == 1 else { throw .initializing(errno: inotifytools_error()) }
        // Another thread may have opened descriptors between the probe and inotify_init: check the one the
        // library got (a new inotify descriptor; with another created meanwhile, the higher one counts).
        // Nothing has been read yet, so cleaning up here leaves no event behind for a later start.
        if let highest = inotifyDescriptors().subtracting(before).max(), highest >= FD_SETSIZE {
            inotifytools_cleanup()
            throw .descriptorTooHigh(highest)
        }
        state.withLock { $0.libraryStarted = true }
    }

    /// The process's open inotify instances, from `/proc/self/fd`.
    private static func inotifyDescriptors() -> Set<Int32> {
        guard let directory = opendir("/proc/self/fd") else { return [] }
        defer { closedir(directory) }
        var found: Set<Int32> = []
        var target = [CChar](repeating: 0, count: 64)
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard let descriptor = Int32(name) else { continue }
            let length = readlinkat(dirfd(directory), name, &target, target.count - 1)
            guard length > 0 else { continue }
            let link = String(decoding: target[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if link == "anon_inode:inotify" { found.insert(descriptor) }
        }
        return found
    }
}
