/// One thing the ``SourceWatcher`` saw change, stamped with when it saw it.
///
/// `seenAt` is read as soon as libinotifytools hands the event over, so "save to seen" latency is
/// `seenAt` minus the file's modification time, and "seen to worker swapped" is measured from it.
public struct SourceChange: Sendable, Equatable, CustomStringConvertible {
    /// Absolute paths that changed: a file written, created, deleted or renamed (both names of a
    /// rename arrive as separate changes), a directory added or removed, and for a new directory
    /// the files already inside it. Empty after a queue overflow.
    public let paths: [String]
    /// When the watcher thread received the event.
    public let seenAt: ContinuousClock.Instant
    /// The kernel's event queue overflowed (`IN_Q_OVERFLOW`): some events were lost, so anything
    /// may have changed. Treat it as "rebuild"; `paths` is empty.
    public let overflow: Bool
    /// Problems met while handling this change that did not stop the watcher, such as a new
    /// directory that could not be watched because the inotify watch limit is reached.
    /// Log them: changes below such a directory will be missed.
    public let warnings: [SourceWatcherError]

    public init(
        paths: [String], seenAt: ContinuousClock.Instant = .now, overflow: Bool = false,
        warnings: [SourceWatcherError] = []
    ) {
        self.paths = paths
        self.seenAt = seenAt
        self.overflow = overflow
        self.warnings = warnings
    }

    public var description: String {
        overflow ? "inotify queue overflow (changes were lost)" : paths.joined(separator: ", ")
    }
}
