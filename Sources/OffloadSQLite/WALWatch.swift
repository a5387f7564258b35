import Foundation
import Synchronization

/// One inotify watch on the database's directory, which can be taken off and put back.
///
/// Taken off while nobody listens (``SQLiteTaskStore/setWakeUpsMuted(_:)``), so that a busy worker's own
/// commits raise no events at all; the descriptor and its read source stay, only the watch goes.
final class WALWatch: Sendable {
    static let mask = UInt32(IN_MODIFY | IN_ATTRIB | IN_CLOSE_NOWRITE | IN_CREATE | IN_MOVED_TO)

    private let fd: Int32
    private let directory: String
    /// The watch descriptor while watching; `nil` while muted (or after a failure, already reported).
    private let descriptor = Mutex<Int32?>(nil)

    init(fd: Int32, directory: String) {
        self.fd = fd
        self.directory = directory
    }

    /// Adds the watch; `false` (said on standard error) if the kernel refuses it.
    func start() -> Bool {
        descriptor.withLock { descriptor in
            if descriptor != nil { return true }
            let added = inotify_add_watch(fd, directory, Self.mask)
            guard added >= 0 else {
                FileHandle.standardError.write(Data("offload: cannot watch \(directory) for changes (inotify_add_watch: \(String(cString: strerror(errno)))); falling back to polling\n".utf8))
                return false
            }
            descriptor = added
            return true
        }
    }

    func mute() {
        descriptor.withLock { descriptor in
            guard let watching = descriptor else { return }
            // The kernel queues IN_IGNORED for it; the reader drops that event like any other not on the WAL.
            inotify_rm_watch(fd, watching)
            descriptor = nil
        }
    }

    func unmute() {
        _ = start()
    }
}

/// The store's live watches, so that muting reaches every wake-up stream it handed out.
final class WALWatchRegistry: Sendable {
    private let watches = Mutex<(next: Int, live: [Int: WALWatch], muted: Bool)>((0, [:], false))

    /// Registers `watch`, muted at once if the store is muted; returns the key to remove it with.
    func add(_ watch: WALWatch) -> Int {
        let (key, muted) = watches.withLock { state -> (Int, Bool) in
            state.next += 1
            state.live[state.next] = watch
            return (state.next, state.muted)
        }
        if muted { watch.mute() }
        return key
    }

    func remove(_ key: Int) {
        _ = watches.withLock { $0.live.removeValue(forKey: key) }
    }

    func setMuted(_ muted: Bool) {
        let live = watches.withLock { state -> [WALWatch] in
            state.muted = muted
            return Array(state.live.values)
        }
        for watch in live {
            if muted { watch.mute() } else { watch.unmute() }
        }
    }
}
