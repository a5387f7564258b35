import CSystemShims
import Foundation
import Logging

/// Hands the pages of start-up code back to the kernel once a process has settled.
///
/// A worker or a supervisor runs much of its code once, at start-up: argument parsing, opening and
/// migrating the database, describing the tasks, spawning. Those pages stay mapped afterwards, with the
/// neighbours the kernel mapped along with them (64 KB fault-around, large page-cache folios), and make up
/// most of an idle process's resident memory (docs/performance.md, "Where a process's memory goes"). Once
/// the process has been idle for ``delay``, one `madvise(MADV_DONTNEED)` over the read-only segments of the
/// program and its libraries unmaps those clean pages. They stay in the kernel's page cache, so what the idle
/// loop and the next task use is mapped back on first touch without reading the disk; should the kernel
/// reclaim a page from the cache meanwhile, it is read back alone (`MADV_RANDOM`: a fault that read ahead a
/// whole 8 MB window stalled tasks by 100–300 ms). Written data is never touched: the heap, stacks and
/// relocated tables are in other segments, and a read-only segment holding a private copy of a page (a
/// text relocation, a debugger's breakpoint) is left as it is.
///
/// `MADV_DONTNEED` works whoever owns the executable. `MADV_PAGEOUT`, used until session 21, drops the
/// pages from the cache too, but only from files the process's user owns or may write: an executable
/// installed as root's and run by a service user, as docs/deployment.md does, kept all its pages.
///
/// It happens once per process. A process that never goes idle for ``delay`` never trims, and a busy
/// process's memory is its working set anyway.
public struct StartUpMemoryTrim: Sendable {
    /// The idle time after start-up that triggers the trim; `nil` turns it off.
    public let delay: Duration?
    private var idleSince: ContinuousClock.Instant?
    private var done = false

    /// The default idle time: long after start-up, short next to how long a server stays idle.
    public static let defaultDelay = Duration.seconds(10)

    public init(after delay: Duration?) {
        self.delay = delay
    }

    /// Whether a trim is still to come: callers skip measuring their activity once it is done or turned off.
    public var isPending: Bool { delay != nil && !done }

    /// Whether to trim now; `true` at most once. Call it regularly with whether the process did work since
    /// the last call: only an uninterrupted idle stretch of ``delay`` counts.
    public mutating func isDue(busy: Bool, at now: ContinuousClock.Instant) -> Bool {
        guard let delay, !done else { return false }
        if busy {
            idleSince = nil
            return false
        }
        let since = idleSince ?? now
        idleSince = since
        guard now - since >= delay else { return false }
        done = true
        return true
    }

    /// What one trim did: resident memory before and after, how much was unmapped, and how much was kept
    /// mapped because it holds private copies of pages.
    public struct Outcome: Sendable, CustomStringConvertible {
        public var residentBefore: Int
        public var residentAfter: Int
        public var unmapped: Int
        public var kept: Int

        public var description: String {
            func megabytes(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1_000_000) }
            let kept = kept > 0 ? "; \(megabytes(kept)) kept mapped: it holds private copies of pages" : ""
            return "resident \(megabytes(residentBefore)) → \(megabytes(residentAfter)) (\(megabytes(unmapped)) of code and constants unmapped, still cached by the kernel\(kept))"
        }
    }

    /// Unmaps the read-only segments of every loaded object, except those holding private copies of pages.
    ///
    /// - Throws: the `errno` of reading `/proc/self/smaps` or of `madvise`.
    public static func unmapReadOnlySegments() throws -> Outcome {
        let before = offload_resident_bytes()
        var kept = 0
        let unmapped = offload_unmap_read_only_segments(&kept)
        guard unmapped >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EINVAL) }
        return Outcome(residentBefore: before, residentAfter: offload_resident_bytes(), unmapped: unmapped, kept: kept)
    }

    /// Trims and logs the outcome (`info`), or why it could not (`notice`: nothing breaks, the process simply
    /// keeps its start-up pages). The lines name the caller's module, as if it had logged them.
    public static func trim(logger: Logger, file: String = #fileID, function: String = #function, line: UInt = #line) {
        do {
            let outcome = try unmapReadOnlySegments()
            logger.info("start-up memory handed back to the kernel: \(outcome)", file: file, function: function, line: line)
        } catch {
            logger.notice("start-up memory not handed back: \(error) (from /proc/self/smaps or madvise)", file: file, function: function, line: line)
        }
    }
}
