import Foundation

/// Fills a `sockaddr_un` for a filesystem path, refusing paths longer than the kernel allows.
public enum UnixSocketAddress {
    public static func make(_ path: String) throws -> (sockaddr_un, socklen_t) {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else {
            throw ControlSocketError("The control socket path \(path) is \(bytes.count) bytes; Unix sockets allow at most \(capacity - 1). Choose a shorter control-socket path.")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes + [0]) }
        return (address, socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + 1))
    }
}

/// A failure of the control socket, with what to do about it.
public struct ControlSocketError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
