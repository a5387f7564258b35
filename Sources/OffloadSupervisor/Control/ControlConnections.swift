import Glibc
import Synchronization

/// The control connections open now, at most ``capacity`` of them, each served by a thread of its own.
///
/// A client that connects and says nothing must not lock out the next one. So when every place is taken,
/// the oldest connection still waiting for its request is shut down to make room: an idle or stuck client
/// loses its place, a new `ctl status` gets one. Only when every connection is already being answered is
/// the newcomer refused.
///
/// Every `close` happens here, under the lock, together with the removal from the table: a descriptor in
/// the table is therefore never a number the kernel has handed out again, and shutting it down is safe.
final class ControlConnections: Sendable {
    enum Admission: Equatable {
        case admitted
        /// Admitted, after shutting down this older idle connection.
        case admittedEvicting(acceptedAt: ContinuousClock.Instant)
        /// Every place is taken by a request being answered.
        case full
    }

    private struct Entry {
        var acceptedAt: ContinuousClock.Instant
        var answering: Bool
    }

    let capacity: Int
    private let entries = Mutex<[Int32: Entry]>([:])

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Takes a place for `fd`, evicting the oldest idle connection if need be.
    func admit(_ fd: Int32) -> Admission {
        entries.withLock { entries in
            var admission = Admission.admitted
            if entries.count >= capacity {
                let idle = entries.filter { !$0.value.answering }.min { $0.value.acceptedAt < $1.value.acceptedAt }
                guard let (victim, entry) = idle else { return .full }
                // Its thread wakes with end-of-file and closes it; until then the number stays ours.
                shutdown(victim, Int32(SHUT_RDWR))
                entries.removeValue(forKey: victim)
                admission = .admittedEvicting(acceptedAt: entry.acceptedAt)
            }
            entries[fd] = Entry(acceptedAt: .now, answering: false)
            return admission
        }
    }

    /// The request has been read: from now on the connection is not idle and keeps its place.
    func markAnswering(_ fd: Int32) {
        entries.withLock { $0[fd]?.answering = true }
    }

    /// Closes `fd` and frees its place (if it was not evicted already).
    func close(_ fd: Int32) {
        entries.withLock { entries in
            entries.removeValue(forKey: fd)
            _ = Glibc.close(fd)
        }
    }
}
