import Foundation
import OffloadSupervisor

/// A Unix socket that listens with the smallest backlog and never accepts: what `ctl` meets when the
/// supervisor's control thread is stuck.
public final class StuckListener: Sendable {
    private let fd: Int32
    public let path: String

    public init(path: String) throws {
        self.path = path
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var (address, length) = try UnixSocketAddress.make(path)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0, chmod(path, 0o600) == 0, listen(fd, 0) == 0 else {
            close(fd)
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
    }

    deinit {
        close(fd)
        unlink(path)
    }
}
