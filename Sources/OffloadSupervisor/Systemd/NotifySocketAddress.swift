#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The address in `NOTIFY_SOCKET`, as a `sockaddr_un`.
///
/// systemd passes either a filesystem path (`/run/systemd/notify`) or, in containers and tests, an abstract
/// socket written `@name`, whose `sun_path` starts with a NUL byte instead of the `@` and is not NUL-terminated.
struct NotifySocketAddress: Sendable {
    /// What goes into `sun_path`: the path, or NUL + the abstract name.
    private let bytes: [UInt8]
    private var isAbstract: Bool { bytes.first == 0 }

    init(_ value: String) throws(SystemdNotifyError) {
        var bytes = Array(value.utf8)
        switch bytes.first {
        case UInt8(ascii: "/"): break
        case UInt8(ascii: "@"): bytes[0] = 0
        default:
            throw SystemdNotifyError(
                .invalidSocketAddress,
                "NOTIFY_SOCKET=\(value) is neither an absolute path nor an abstract socket (@name); it is set by systemd for Type=notify services and should not be set by hand.")
        }
        // A filesystem path also needs room for its terminating NUL.
        let capacity = MemoryLayout.size(ofValue: sockaddr_un().sun_path) - (bytes.first == 0 ? 0 : 1)
        guard bytes.count <= capacity else {
            throw SystemdNotifyError(
                .invalidSocketAddress, "NOTIFY_SOCKET=\(value) is longer than the \(capacity) bytes a Unix socket address holds.")
        }
        self.bytes = bytes
    }

    /// Calls `body` with the address and its length as `sendto` wants them.
    func withSocketAddress<Result>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> Result) -> Result {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        // The length counts the bytes actually used: for an abstract name every byte is part of the name,
        // trailing NULs included, so passing the full structure would name a different socket.
        let length = MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + bytes.count + (isAbstract ? 0 : 1)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(length)) }
        }
    }
}
