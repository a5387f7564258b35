import Foundation

/// The control protocol's framing: one JSON line each way, read and written against a deadline, and
/// never with SIGPIPE (a peer that hung up is an error to handle, not a signal that kills).
enum ControlLine {
    enum ReadResult: Equatable {
        case line(String)
        /// The peer closed, or the connection failed, before a whole line.
        case closed
        case timedOut
        case tooLong
    }

    /// Reads one line (without its newline) before `deadline`, and at most `limit` bytes.
    static func read(from fd: Int32, before deadline: ContinuousClock.Instant, limit: Int) -> ReadResult {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            if let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) {
                return .line(String(decoding: bytes[..<newline], as: UTF8.self))
            }
            guard bytes.count <= limit else { return .tooLong }
            guard wait(for: Int16(POLLIN), on: fd, before: deadline) else { return .timedOut }
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if count > 0 {
                bytes += chunk[0..<count]
            } else if count == 0 {
                return bytes.isEmpty ? .closed : .line(String(decoding: bytes, as: UTF8.self))
            } else if errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK {
                return .closed
            }
        }
    }

    /// Writes `value` as one JSON line before `deadline`; `false` if the peer is gone or too slow.
    @discardableResult
    static func write<Value: Encodable>(_ value: Value, to fd: Int32, before deadline: ContinuousClock.Instant) -> Bool {
        guard var data = try? JSONEncoder().encode(value) else { return false }
        data.append(UInt8(ascii: "\n"))
        return data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = send(fd, buffer.baseAddress! + offset, buffer.count - offset, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT))
                if written > 0 {
                    offset += written
                } else if written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                    guard wait(for: Int16(POLLOUT), on: fd, before: deadline) else { return false }
                } else {
                    return false
                }
            }
            return true
        }
    }

    /// Waits until `fd` is ready for `events` or has hung up; `false` once `deadline` has passed.
    static func wait(for events: Int16, on fd: Int32, before deadline: ContinuousClock.Instant) -> Bool {
        while true {
            let remaining = deadline - .now
            guard remaining > .zero else { return false }
            var descriptor = pollfd(fd: fd, events: events, revents: 0)
            let ready = poll(&descriptor, 1, milliseconds(remaining))
            if ready > 0 { return true }
            if ready < 0 && errno != EINTR { return true }   // let the read or write report the error
        }
    }

    /// `duration` in whole milliseconds for `poll`, rounded up so that a short wait is not a busy loop.
    static func milliseconds(_ duration: Duration) -> Int32 {
        let (seconds, attoseconds) = duration.components
        let total = seconds.multipliedReportingOverflow(by: 1000)
        guard !total.overflow else { return Int32.max }
        return Int32(clamping: total.partialValue + attoseconds / 1_000_000_000_000_000 + 1)
    }
}
