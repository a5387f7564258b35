import Glibc
import Synchronization

/// How `stop()` reaches the watcher thread, which spends its life blocked in libinotifytools.
///
/// The library exposes no descriptor to wait on together with a pipe, and its timeout is in
/// whole seconds. So the thread also watches a private temporary file, and a stop request writes
/// to it: the wait ends at once instead of up to a second later. Without a temporary directory
/// the file is missing and a stop takes effect at the next one-second timeout.
final class SourceWatcherWakeUp: Sendable {
    /// The wake-up file, or nil if none could be created.
    let path: String?
    private let requested = Atomic<Bool>(false)

    init() {
        let directory = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        var template = Array("\(directory)/offload-source-watcher-XXXXXX".utf8CString)
        let descriptor = mkstemp(&template)
        if descriptor >= 0 {
            close(descriptor)
            path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        } else {
            path = nil
        }
    }

    /// Whether a stop was requested; the watcher thread checks it between events.
    var isStopRequested: Bool { requested.load(ordering: .acquiring) }

    /// Asks the thread to stop and wakes it. Safe from any thread, any number of times.
    func requestStop() {
        guard !requested.exchange(true, ordering: .acquiringAndReleasing) else { return }
        guard let path else { return }
        // Opening for writing and closing raises IN_CLOSE_WRITE; no O_CREAT, so once the thread
        // has removed the file this does nothing.
        let descriptor = open(path, O_WRONLY | O_CLOEXEC)
        if descriptor >= 0 { close(descriptor) }
    }

    /// Deletes the file; the thread calls it after removing its watch on it.
    func removeFile() {
        if let path { unlink(path) }
    }
}
