/// A notification that could not reach systemd.
///
/// Never fatal to the supervisor: log it and carry on. But do log it, because a lost `READY=1` leaves
/// `systemctl start` hanging until `TimeoutStartSec`, and lost `WATCHDOG=1` messages get the service killed.
public struct SystemdNotifyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure; new codes may be added, so switch with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Value: String { case invalidSocketAddress, socketUnavailable, sendFailed }
        fileprivate let value: Value
        public var description: String { value.rawValue }

        /// `NOTIFY_SOCKET` is neither an absolute path nor an abstract `@name`, or is too long.
        public static let invalidSocketAddress = Code(value: .invalidSocketAddress)
        /// No socket could be created (out of file descriptors, or `RestrictAddressFamilies=` without `AF_UNIX`).
        public static let socketUnavailable = Code(value: .socketUnavailable)
        /// The datagram was refused: nobody listens at `NOTIFY_SOCKET`, or its queue is full.
        public static let sendFailed = Code(value: .sendFailed)
    }

    public let code: Code
    /// What went wrong and what to check.
    public let message: String
    /// The `errno` of the failed call, if one failed.
    public let errno: Int32?

    public init(_ code: Code, _ message: String, errno: Int32? = nil) {
        self.code = code
        self.message = message
        self.errno = errno
    }

    public var description: String { message }
}
