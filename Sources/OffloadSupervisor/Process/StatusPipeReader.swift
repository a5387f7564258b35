import Glibc

/// Reads a worker's status pipe in batches: every line waiting is delivered at once, and after a read that
/// found lines the pipe is left alone for `pause`, so that a worker reporting thousands of tasks a second
/// wakes the supervisor a hundred times a second, not thousands.
///
/// ```swift
/// for await lines in StatusPipeReader.batches(from: status.readEnd, pause: .milliseconds(10)) {
///     let events = lines.compactMap(WorkerEvent.init(line:))
/// }
/// // the stream ends at end-of-file: the worker is gone
/// ```
///
/// Nothing is lost by the pause: the lines wait in the pipe, and the worker never blocks on them (a pause
/// holds far less than the pipe's 64 KiB). A lone line after a quiet spell is read at once, so start-up
/// (`ready`) and a hung worker's last words are seen without delay; in a burst, what the supervisor learns
/// (a task started, a task finished) is at most `pause` late. That only moves a time limit's kill `pause`
/// later, and a worker's exit is handled only after end-of-file, so recovery still reads every `started`.
///
/// - The reader takes ownership of the descriptor, makes it non-blocking and closes it at end-of-file.
/// - A line longer than `maximumLineLength` bytes is cut into pieces (garbage, which the parser drops), so a
///   worker that never writes a newline cannot make the supervisor buffer without limit.
/// - If the consumer stops iterating, the pipe is still drained until end-of-file.
enum StatusPipeReader {
    static func batches(from descriptor: Int32, pause: Duration, maximumLineLength: Int = 4096) -> AsyncStream<[String]> {
        precondition(maximumLineLength > 0, "maximumLineLength must be positive")
        let (stream, continuation) = AsyncStream.makeStream(of: [String].self)
        StatusPipeSource.start(descriptor: descriptor, pause: pause, maximumLineLength: maximumLineLength, continuation: continuation)
        return stream
    }
}

/// The reader behind ``StatusPipeReader``; the poller keeps it alive until end-of-file.
// @unchecked Sendable because `pending` and `chunk` are touched only from its poller handler, which runs on
// the poller's thread; the other stored properties are immutable or thread-safe (the continuation).
private final class StatusPipeSource: @unchecked Sendable {
    private static let chunkSize = 64 * 1024

    private let descriptor: Int32
    private let pause: Duration
    private let maximumLineLength: Int
    private let continuation: AsyncStream<[String]>.Continuation
    /// The start of a line whose `\n` has not arrived yet.
    private var pending: [UInt8] = []
    private var chunk = [UInt8](repeating: 0, count: chunkSize)

    static func start(descriptor: Int32, pause: Duration, maximumLineLength: Int, continuation: AsyncStream<[String]>.Continuation) {
        let source = StatusPipeSource(descriptor: descriptor, pause: pause, maximumLineLength: maximumLineLength, continuation: continuation)
        // The poller holds the source until end-of-file removes the registration.
        DescriptorPoller.shared.watch(descriptor) { registration in source.readAvailable(registration) }
    }

    private init(descriptor: Int32, pause: Duration, maximumLineLength: Int, continuation: AsyncStream<[String]>.Continuation) {
        self.descriptor = descriptor
        self.pause = max(.zero, pause)
        self.maximumLineLength = maximumLineLength
        self.continuation = continuation
        let flags = fcntl(descriptor, F_GETFL)
        if flags >= 0 { _ = fcntl(descriptor, F_SETFL, flags | O_NONBLOCK) }
    }

    private func readAvailable(_ registration: DescriptorPoller.Registration) {
        var lines: [String] = []
        defer {
            if !lines.isEmpty { continuation.yield(lines) }
        }
        // A bounded turn, as in `LineReader`: what is left is read at the next one.
        reading: for _ in 0..<DescriptorPoller.readsPerTurn {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                split(chunk[0..<count], into: &lines)
            } else if count == -1, errno == EINTR {
                continue
            } else if count == -1, errno == EAGAIN || errno == EWOULDBLOCK {
                break reading
            } else {
                // 0 is end-of-file; any other error (EIO, EBADF) ends the stream the same way.
                if !pending.isEmpty { lines.append(String(decoding: pending, as: UTF8.self)) }
                if !lines.isEmpty { continuation.yield(lines) }
                lines = []
                continuation.finish()
                // Forgotten by the poller before the number can be reused.
                DescriptorPoller.shared.remove(registration)
                close(descriptor)
                return
            }
        }
        guard !lines.isEmpty, pause > .zero else {
            DescriptorPoller.shared.rearm(registration)
            return
        }
        // Leave the pipe alone for a moment: the lines written meanwhile come in the next batch.
        DescriptorPoller.shared.after(pause) { DescriptorPoller.shared.rearm(registration) }
    }

    private func split(_ bytes: ArraySlice<UInt8>, into lines: inout [String]) {
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                lines.append(String(decoding: pending, as: UTF8.self))
                pending.removeAll(keepingCapacity: true)
            } else {
                if pending.count == maximumLineLength {
                    lines.append(String(decoding: pending, as: UTF8.self))
                    pending.removeAll(keepingCapacity: true)
                }
                pending.append(byte)
            }
        }
    }
}
