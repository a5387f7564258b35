import Glibc

/// Who is at the other end of a connected Unix socket, as the kernel recorded it (`SO_PEERCRED`): the
/// process that called `connect`, or the one that called `listen`. It cannot be forged by the peer.
struct PeerCredentials: Sendable, Equatable {
    let pid: Int32
    let uid: uid_t
    let gid: gid_t

    /// The credentials of `fd`'s peer, or `nil` if the kernel does not give them.
    init?(of fd: Int32) {
        // The layout of Linux's `struct ucred`, which Swift's Glibc module does not import.
        var credentials: (pid: Int32, uid: UInt32, gid: UInt32) = (0, 0, 0)
        var length = socklen_t(MemoryLayout.size(ofValue: credentials))
        guard getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) == 0,
              Int(length) == MemoryLayout.size(ofValue: credentials)
        else { return nil }
        pid = credentials.pid
        uid = credentials.uid
        gid = credentials.gid
    }
}
