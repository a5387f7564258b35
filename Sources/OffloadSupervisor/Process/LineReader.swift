import Glibc

/// Reads a descriptor line by line as an `AsyncStream<String>`: child output, or a worker's status pipe.
///
/// ```swift
/// for await line in LineReader.lines(from: status.readEnd) {
///     if let event = WorkerEvent(line: line) { … }
/// }
/// // the stream ends at end-of-file: every writer has closed its end
/// ```
///
/// - The reader takes ownership of the descriptor, makes it non-blocking and closes it at end-of-file.
/// - Reading happens on the ``DescriptorPoller``'s thread, never on a cooperative-pool thread.
/// - Lines are split on `\n`; the `\n` and a `\r` before it are dropped. A last line without `\n` is
///   delivered at end-of-file. Invalid UTF-8 is repaired with U+FFFD rather than dropped.
/// - With a `partialLineDelay`, a partial line is also delivered once the writer has been quiet that
///   long: a prompt or a "waiting…" message without `\n` (SwiftPM's build-lock message) shows at once,
///   not when the line ends. What follows it then arrives as another line.
/// - A line longer than `maximumLineLength` bytes is cut into pieces of that size, so a child that
///   never writes a newline cannot make this process buffer without limit.
/// - If the consumer stops iterating, the descriptor is still drained until end-of-file and the lines
///   are dropped: the writer must never block on a full pipe, nor die of SIGPIPE, because we stopped listening.
/// - Lines are buffered until read: without limit, or up to `bufferLimit` lines, beyond which they are
///   dropped and counted.
public enum LineReader {
    /// A stream of the lines read from `descriptor`, which it finishes at end-of-file.
    ///
    /// - Parameters:
    ///   - bufferLimit: at most this many lines wait for the reader; later ones are dropped and counted
    ///     in `dropped` until it catches up. `nil`: every line waits, however many.
    ///   - partialLineDelay: deliver a partial line after the writer has been quiet this long; `nil` keeps
    ///     it until its `\n` or end-of-file (a status pipe, whose lines must stay whole).
    public static func lines(
        from descriptor: Int32, maximumLineLength: Int = 1 << 20, bufferLimit: Int? = nil,
        dropped: DroppedLineCounter? = nil, partialLineDelay: Duration? = nil
    ) -> AsyncStream<String> {
        precondition(maximumLineLength > 0, "maximumLineLength must be positive")
        let policy: AsyncStream<String>.Continuation.BufferingPolicy = bufferLimit.map { .bufferingOldest(max(1, $0)) } ?? .unbounded
        let (stream, continuation) = AsyncStream.makeStream(of: String.self, bufferingPolicy: policy)
        DescriptorLineSource.start(
            descriptor: descriptor, maximumLineLength: maximumLineLength, continuation: continuation,
            dropped: dropped, partialLineDelay: partialLineDelay)
        return stream
    }
}

/// The reader behind ``LineReader``; the poller keeps it alive until end-of-file.
// @unchecked Sendable because `pending`, `chunk`, `readCount` and `finished` are touched only from its poller
// handler and poller timers, which run one at a time on the poller's thread; the other stored properties are
// immutable or thread-safe (the continuation).
private final class DescriptorLineSource: @unchecked Sendable {
    private static let chunkSize = 64 * 1024

    private let descriptor: Int32
    private let maximumLineLength: Int
    private let continuation: AsyncStream<String>.Continuation
    private let dropped: DroppedLineCounter?
    private let partialLineDelay: Duration?
    /// Counts reads that brought bytes, so a partial-line flush scheduled after one read knows whether
    /// more came since (the writer was not quiet after all).
    private var readCount = 0
    private var finished = false
    /// Bytes read but not yet delivered: the start of a line whose `\n` has not arrived.
    private var pending: [UInt8] = []
    /// Reused for every `read`, so a status pipe's many small events allocate nothing.
    private var chunk = [UInt8](repeating: 0, count: chunkSize)

    static func start(descriptor: Int32, maximumLineLength: Int, continuation: AsyncStream<String>.Continuation, dropped: DroppedLineCounter?, partialLineDelay: Duration?) {
        let source = DescriptorLineSource(descriptor: descriptor, maximumLineLength: maximumLineLength, continuation: continuation, dropped: dropped, partialLineDelay: partialLineDelay)
        // The poller holds the source until `finish` removes the registration.
        DescriptorPoller.shared.watch(descriptor) { registration in source.readAvailable(registration) }
    }

    private init(descriptor: Int32, maximumLineLength: Int, continuation: AsyncStream<String>.Continuation, dropped: DroppedLineCounter?, partialLineDelay: Duration?) {
        self.descriptor = descriptor
        self.partialLineDelay = partialLineDelay
        self.maximumLineLength = maximumLineLength
        self.continuation = continuation
        self.dropped = dropped
        let flags = fcntl(descriptor, F_GETFL)
        if flags >= 0 { _ = fcntl(descriptor, F_SETFL, flags | O_NONBLOCK) }
    }

    private func readAvailable(_ registration: DescriptorPoller.Registration) {
        // At most `readsPerTurn` chunks, then the other descriptors get their turn: one child flooding its
        // output must not delay another's lines, nor a status pipe or an exit, on the poller's one thread.
        for _ in 0..<DescriptorPoller.readsPerTurn {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                readCount &+= 1
                let alreadyScanned = pending.count
                pending.append(contentsOf: chunk[0..<count])
                deliverCompleteLines(scanningFrom: alreadyScanned)
            } else if count == -1, errno == EINTR {
                continue
            } else if count == -1, errno == EAGAIN || errno == EWOULDBLOCK {
                schedulePartialLineFlush()
                break
            } else {
                // 0 is end-of-file; any other error (EIO, EBADF) ends the stream the same way.
                finish(registration)
                return
            }
        }
        DescriptorPoller.shared.rearm(registration)
    }

    /// Delivers every complete line in `pending`. Bytes before `scanningFrom` were scanned by an
    /// earlier call and hold no `\n`, so a long partial line is not rescanned for every chunk.
    private func deliverCompleteLines(scanningFrom start: Int) {
        var lineStart = 0
        for index in start..<pending.count {
            if pending[index] == UInt8(ascii: "\n") {
                deliver(pending[lineStart..<index])
                lineStart = index + 1
            } else if index - lineStart == maximumLineLength {
                // Cut only once a byte beyond the limit arrives, so a line of exactly the limit
                // followed by its `\n` is not followed by an empty piece.
                deliver(pending[lineStart..<index])
                lineStart = index
            }
        }
        pending.removeFirst(lineStart)
    }

    /// Once everything available is read: if a partial line waits, deliver it after `partialLineDelay`
    /// unless more bytes come first (the read after them schedules its own flush).
    private func schedulePartialLineFlush() {
        guard let delay = partialLineDelay, !pending.isEmpty else { return }
        let readsSoFar = readCount
        DescriptorPoller.shared.after(delay) { [self] in
            guard !finished, readCount == readsSoFar, !pending.isEmpty else { return }
            deliver(pending[...])
            pending = []
        }
    }

    private func deliver(_ bytes: ArraySlice<UInt8>) {
        let line = bytes.last == UInt8(ascii: "\r") ? bytes.dropLast() : bytes
        if case .dropped = continuation.yield(String(decoding: line, as: UTF8.self)) {
            dropped?.add(1)
        }
    }

    private func finish(_ registration: DescriptorPoller.Registration) {
        finished = true
        if !pending.isEmpty {
            deliver(pending[...])
            pending = []
        }
        continuation.finish()
        // Forgotten by the poller before the number can be reused.
        DescriptorPoller.shared.remove(registration)
        close(descriptor)
    }
}
