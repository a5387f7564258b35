import Foundation
import Testing

/// A real `AF_UNIX` datagram socket standing in for systemd's notification socket.
///
/// Binds a fresh filesystem path or abstract name; ``notifySocket`` is the `NOTIFY_SOCKET` value that reaches it.
final class NotifySocketReceiver {
    enum Kind { case path, abstract }

    let notifySocket: String
    private let fd: Int32
    private let path: String?

    init(_ kind: Kind) throws {
        // Short and unique: sun_path holds 108 bytes, and tests run in parallel.
        let name = "offload-notify-\(getpid())-\(UUID().uuidString.prefix(8))"
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        try #require(fd >= 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes: [UInt8]
        switch kind {
        case .path:
            path = "/tmp/\(name).sock"
            notifySocket = path!
            bytes = Array(path!.utf8) + [0]
        case .abstract:
            path = nil
            notifySocket = "@" + name
            bytes = [0] + Array(name.utf8)
        }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        // `bytes` holds the path's terminating NUL, or the abstract name's leading one: both count.
        let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + bytes.count)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        try #require(result == 0, "bind failed: \(String(cString: strerror(errno)))")
    }

    deinit {
        close(fd)
        if let path { unlink(path) }
    }

    /// The next datagram, waiting at most `timeout` for it to arrive; `nil` if none came.
    func receive(timeout: Duration = .seconds(5)) -> String? {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        guard poll(&poller, 1, milliseconds) == 1 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard count >= 0 else { return nil }
        return String(decoding: buffer[0..<count], as: UTF8.self)
    }

    /// Every datagram already queued, without waiting.
    func drain() -> [String] {
        var messages: [String] = []
        while let message = receive(timeout: .zero) { messages.append(message) }
        return messages
    }
}
