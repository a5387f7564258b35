import Foundation
import Synchronization

/// Writes text to one descriptor (the supervisor's stdout or stderr) from a thread of its own, through
/// a queue bounded per source: a source that writes faster than the descriptor drains loses lines, and
/// they are counted, instead of growing the supervisor's memory.
///
/// Nothing that calls ``enqueue(_:from:)`` ever waits for the descriptor. A slow terminal, a full
/// pipe nobody reads or a stalled journal blocks only this writer's thread: never the cooperative
/// pool, which would stall the supervision loop with it.
final class OutputWriter: Sendable {
    /// Bytes one source may have waiting; more is dropped until the writer catches up.
    let limitPerSource: Int
    private let descriptor: Int32
    private let state = Mutex(State())
    private let linesAvailable = DispatchSemaphore(value: 0)

    private struct State {
        var queue: [(source: Int32, text: String)] = []
        var head = 0
        var pendingBytes: [Int32: Int] = [:]
        var dropped: [Int32: Int] = [:]
    }

    init(descriptor: Int32, name: String, limitPerSource: Int = 256 * 1024) {
        self.descriptor = descriptor
        self.limitPerSource = limitPerSource
        // The writer lives as long as the process (the printer is created once per supervisor),
        // so the thread may hold it.
        let thread = Thread { [self] in writeForever() }
        thread.name = name
        thread.start()
    }

    /// Queues `text` for writing, or drops it when `source` already has ``limitPerSource`` bytes waiting.
    ///
    /// - Returns: `false` when the text was dropped (and counted).
    @discardableResult
    func enqueue(_ text: String, from source: Int32) -> Bool {
        let accepted = state.withLock { state in
            let pending = state.pendingBytes[source, default: 0]
            guard pending + text.utf8.count <= limitPerSource else {
                state.dropped[source, default: 0] += 1
                return false
            }
            state.pendingBytes[source] = pending + text.utf8.count
            state.queue.append((source, text))
            return true
        }
        if accepted { linesAvailable.signal() }
        return accepted
    }

    /// The lines dropped per source since the last call.
    func takeDropCounts() -> [Int32: Int] {
        state.withLock { state in
            defer { state.dropped = [:] }
            return state.dropped
        }
    }

    private func writeForever() -> Never {
        while true {
            linesAvailable.wait()
            let (source, text) = state.withLock { state in
                let next = state.queue[state.head]
                state.head += 1
                // Compact now and then rather than shifting the array on every line.
                if state.head >= 1024, state.head * 2 >= state.queue.count {
                    state.queue.removeFirst(state.head)
                    state.head = 0
                }
                return next
            }
            write(text)
            state.withLock { state in
                let remaining = state.pendingBytes[source, default: 0] - text.utf8.count
                state.pendingBytes[source] = remaining > 0 ? remaining : nil
            }
        }
    }

    /// All of `text`, unless the descriptor fails (a closed pipe): then the rest is lost, not retried.
    private func write(_ text: String) {
        var text = text
        text.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0, errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
    }
}
