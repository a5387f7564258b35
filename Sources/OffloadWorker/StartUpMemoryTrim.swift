import CSystemShims
import Foundation
import Logging

/// Hands the pages of start-up code back to the kernel once a process has settled.
///
/// A worker or a supervisor runs much of its code once, at start-up: argument parsing, opening and
/// migrating the database, describing the tasks, spawning. Those pages stay resident afterwards, with the
/// neighbours the kernel read along with them (64 KB fault-around, large page-cache folios, read-ahead),
/// and make up most of an idle process's resident memory (docs/performance.md, "Where a process's memory
/// goes"). Once the process has been idle for ``delay``, one `madvise(MADV_PAGEOUT)` over the read-only
/// segments of the program and its libraries drops those clean pages; what the idle loop and the next task
/// use comes back on first touch, a page at a time (`MADV_RANDOM`: a fault that read ahead a whole 8 MB
/// window stalled tasks by 100–300 ms). The kernel drops only pages no other process maps, and never
/// written data: the heap, stacks and relocated tables stay. It pages out only files the process could
/// write (their owner, or root): an executable installed as root's and run by another user keeps its
/// pages, which the log says. (`MADV_DONTNEED`, which works whoever owns the file, was measured and
/// rejected: tasks that met a page it had unmapped stalled 20–1000 ms now and then.)
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

    /// What one trim did: resident memory before and after, and how much was advised.
    public struct Outcome: Sendable, CustomStringConvertible {
        public var residentBefore: Int
        public var residentAfter: Int
        public var advised: Int

        public var description: String {
            func megabytes(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1_000_000) }
            return "resident \(megabytes(residentBefore)) → \(megabytes(residentAfter)) (\(megabytes(advised)) of code and constants advised)"
        }
    }

    /// Why the kernel will not page out this process's executable, or `nil` when it will: `MADV_PAGEOUT` acts
    /// on a file mapping only for the file's owner, root, or a user who may open the file for writing.
    static func executableRefusalReason() -> String? {
        let path = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? "/proc/self/exe"
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        let user = geteuid()
        if user == 0 || status.st_uid == user || access(path, W_OK) == 0 { return nil }
        return "\(path) belongs to uid \(status.st_uid), this process runs as uid \(user)"
    }

    /// Pages out the read-only segments of every loaded object.
    ///
    /// - Throws: the `errno` of `madvise`: `EINVAL` on kernels before Linux 5.4, which lack `MADV_PAGEOUT`.
    public static func pageOutReadOnlySegments() throws -> Outcome {
        let before = offload_resident_bytes()
        let advised = offload_page_out_read_only_segments()
        guard advised >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EINVAL) }
        return Outcome(residentBefore: before, residentAfter: offload_resident_bytes(), advised: advised)
    }

    /// Trims and logs the outcome (`info`), or why the kernel refused (`notice`: nothing breaks, the process
    /// simply keeps its start-up pages). The lines name the caller's module, as if it had logged them.
    public static func trim(logger: Logger, file: String = #fileID, function: String = #function, line: UInt = #line) {
        do {
            if let reason = executableRefusalReason() {
                // The call would succeed and drop nothing of the executable: say why once, and skip it.
                logger.notice("start-up memory kept: the kernel pages out only files this process's user owns or may write, and \(reason)", file: file, function: function, line: line)
                return
            }
            let outcome = try pageOutReadOnlySegments()
            logger.info("start-up memory handed back to the kernel: \(outcome)", file: file, function: function, line: line)
        } catch {
            logger.notice("start-up memory not handed back: the kernel refused MADV_PAGEOUT (\(error)); it needs Linux 5.4 or later", file: file, function: function, line: line)
        }
    }
}
