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
        // The kernel stamps each datagram as it is sent: a test starved of CPU still learns when
        // the supervisor sent a message, not when the test got round to reading it.
        var on: Int32 = 1
        try #require(setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, socklen_t(MemoryLayout<Int32>.size)) == 0)
    }

    deinit {
        close(fd)
        if let path { unlink(path) }
    }

    /// A datagram and the moment the kernel took it from its sender.
    struct Stamped {
        let message: String
        /// `CLOCK_REALTIME`, as `SO_TIMESTAMPNS` reports it.
        let sentAt: Duration
    }

    /// The next datagram, waiting at most `timeout` for it to arrive; `nil` if none came.
    func receive(timeout: Duration = .seconds(5)) -> String? {
        receiveStamped(timeout: timeout)?.message
    }

    /// The next datagram with its kernel timestamp, waiting at most `timeout`; `nil` if none came.
    func receiveStamped(timeout: Duration = .seconds(5)) -> Stamped? {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        guard poll(&poller, 1, milliseconds) == 1 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 4096)
        // `cmsghdr` then a `timespec`; Swift cannot use the CMSG_* macros, so the layout is read by hand.
        var control = [UInt8](repeating: 0, count: 64)
        let count = buffer.withUnsafeMutableBytes { data in
            control.withUnsafeMutableBytes { controlBytes in
                var vector = iovec(iov_base: data.baseAddress, iov_len: data.count)
                return withUnsafeMutablePointer(to: &vector) { vectorPointer in
                    var header = msghdr()
                    header.msg_iov = vectorPointer
                    header.msg_iovlen = 1
                    header.msg_control = controlBytes.baseAddress
                    header.msg_controllen = controlBytes.count
                    return recvmsg(fd, &header, 0)
                }
            }
        }
        guard count >= 0 else { return nil }
        let message = String(decoding: buffer[0..<count], as: UTF8.self)
        return Stamped(message: message, sentAt: Self.timestamp(in: control) ?? .zero)
    }

    private static func timestamp(in control: [UInt8]) -> Duration? {
        control.withUnsafeBytes { bytes -> Duration? in
            let header = bytes.loadUnaligned(as: cmsghdr.self)
            guard header.cmsg_level == SOL_SOCKET, header.cmsg_type == SO_TIMESTAMPNS else { return nil }
            let dataOffset = (MemoryLayout<cmsghdr>.size + MemoryLayout<Int>.size - 1) & ~(MemoryLayout<Int>.size - 1)
            let time = bytes.loadUnaligned(fromByteOffset: dataOffset, as: timespec.self)
            return .seconds(time.tv_sec) + .nanoseconds(time.tv_nsec)
        }
    }

    /// Every datagram already queued, without waiting.
    func drain() -> [String] {
        var messages: [String] = []
        while let message = receive(timeout: .zero) { messages.append(message) }
        return messages
    }
}
