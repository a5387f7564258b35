import Dispatch
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

/// The dispatch read source behind ``StatusPipeReader``; keeps itself alive until end-of-file.
// @unchecked Sendable because `pending`, `chunk` and `finished` are touched only on `queue`, which is serial:
// the source's event handler and the resume after a pause both run there. The other stored properties are
// immutable or thread-safe (dispatch source, continuation).
private final class StatusPipeSource: @unchecked Sendable {
    private static let queue = DispatchQueue(label: "offload.status-pipe-reader")
    private static let chunkSize = 64 * 1024

    private let descriptor: Int32
    private let pause: DispatchTimeInterval
    private let maximumLineLength: Int
    private let continuation: AsyncStream<[String]>.Continuation
    private let source: any DispatchSourceRead
    /// The start of a line whose `\n` has not arrived yet.
    private var pending: [UInt8] = []
    private var chunk = [UInt8](repeating: 0, count: chunkSize)
    private var finished = false

    static func start(descriptor: Int32, pause: Duration, maximumLineLength: Int, continuation: AsyncStream<[String]>.Continuation) {
        _ = StatusPipeSource(descriptor: descriptor, pause: pause, maximumLineLength: maximumLineLength, continuation: continuation)
    }

    private init(descriptor: Int32, pause: Duration, maximumLineLength: Int, continuation: AsyncStream<[String]>.Continuation) {
        self.descriptor = descriptor
        let (seconds, attoseconds) = pause.components
        self.pause = .microseconds(Int(clamping: max(0, seconds) * 1_000_000 + max(0, attoseconds) / 1_000_000_000_000))
        self.maximumLineLength = maximumLineLength
        self.continuation = continuation
        let flags = fcntl(descriptor, F_GETFL)
        if flags >= 0 { _ = fcntl(descriptor, F_SETFL, flags | O_NONBLOCK) }
        source = DispatchSource.makeReadSource(fileDescriptor: descriptor, queue: Self.queue)
        // The handlers hold `self` until `finish()` cancels the source and libdispatch drops them.
        source.setEventHandler { [self] in readAvailable() }
        source.setCancelHandler { close(descriptor) }
        source.resume()
    }

    private func readAvailable() {
        var lines: [String] = []
        defer {
            if !lines.isEmpty { continuation.yield(lines) }
        }
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                split(chunk[0..<count], into: &lines)
            } else if count == -1, errno == EINTR {
                continue
            } else if count == -1, errno == EAGAIN || errno == EWOULDBLOCK {
                break
            } else {
                // 0 is end-of-file; any other error (EIO, EBADF) ends the stream the same way.
                if !pending.isEmpty { lines.append(String(decoding: pending, as: UTF8.self)) }
                finished = true
                if !lines.isEmpty { continuation.yield(lines) }
                lines = []
                continuation.finish()
                source.cancel()
                return
            }
        }
        guard !lines.isEmpty else { return }
        // Leave the pipe alone for a moment: the lines written meanwhile come in the next batch.
        source.suspend()
        Self.queue.asyncAfter(deadline: .now() + pause) { [self] in
            if !finished { source.resume() }
        }
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
