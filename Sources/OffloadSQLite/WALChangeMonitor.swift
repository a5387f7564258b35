import Foundation

/// Wakes idle workers when another process commits, by watching the database's WAL file with inotify.
///
/// In WAL mode every commit appends to `<database>-wal`, so a modification of that file is a cheap,
/// broker-free signal that tasks may have arrived: an idle worker sleeps in the kernel instead of
/// polling. The directory is watched rather than the file, so the signal survives the WAL file being
/// deleted and created again when the last connection closes.
///
/// `IN_MODIFY` comes when a commit's frames are written, before the commit is visible (with
/// `synchronous=FULL`, before the sync that can take a second); `IN_CLOSE_NOWRITE` comes when a writer
/// opens and closes the WAL read-only after its commit is visible (``CommitAnnouncement``). Both wake the
/// worker: the first for writers that do not announce (an app's own transactions with `enqueue(_:in:)`
/// announce; raw SQL does not). `IN_ATTRIB` is the announcement of earlier versions (a touch of the WAL's
/// modification time), kept so a worker still hears an app that has not been upgraded yet.
enum WALChangeMonitor {
    static func changes(ofDatabaseAt path: String, registry: WALWatchRegistry) -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        let walName = url.lastPathComponent + "-wal"
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else {
            // Without inotify the worker falls back to its poll interval; say why once.
            FileHandle.standardError.write(Data("offload: cannot watch \(path) for changes (inotify_init1: \(String(cString: strerror(errno)))); falling back to polling\n".utf8))
            continuation.finish()
            return stream
        }
        let watch = WALWatch(fd: fd, directory: directory)
        guard watch.start() else {
            close(fd)
            continuation.finish()
            return stream
        }
        let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: DispatchQueue(label: "offload.wal-monitor"))
        source.setEventHandler {
            if drainEvents(fd: fd, matching: walName) {
                continuation.yield()
            }
        }
        source.setCancelHandler { close(fd) }
        let box = SourceBox(source)
        let key = registry.add(watch)
        continuation.onTermination = { _ in
            registry.remove(key)
            box.source.cancel()
        }
        source.resume()
        return stream
    }

    /// Reads every queued event; returns whether one concerned the WAL file (or the queue overflowed).
    private static func drainEvents(fd: Int32, matching name: String) -> Bool {
        var matched = false
        let bufferSize = 4096
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: bufferSize, alignment: MemoryLayout<inotify_event>.alignment)
        defer { buffer.deallocate() }
        while true {
            let count = read(fd, buffer, bufferSize)
            guard count > 0 else { return matched }
            var offset = 0
            while offset + MemoryLayout<inotify_event>.size <= count {
                let event = buffer.advanced(by: offset).assumingMemoryBound(to: inotify_event.self)
                let nameLength = Int(event.pointee.len)
                if event.pointee.mask & UInt32(IN_Q_OVERFLOW) != 0 {
                    matched = true
                } else if nameLength > 0 {
                    // `char name[]` is not imported into Swift: it follows the fixed-size header.
                    let namePointer = buffer.advanced(by: offset + MemoryLayout<inotify_event>.size).assumingMemoryBound(to: CChar.self)
                    if String(cString: namePointer) == name { matched = true }
                }
                offset += MemoryLayout<inotify_event>.size + nameLength
            }
        }
    }
}

/// DispatchSourceRead is not Sendable; the box only carries it to the stream's termination handler,
/// and `cancel()` is thread-safe.
private final class SourceBox: @unchecked Sendable {
    let source: any DispatchSourceRead
    init(_ source: any DispatchSourceRead) { self.source = source }
}
