import Foundation
import GRDB
import Synchronization

/// Holds a SQLite database's write lock from another connection, as a long write by another process
/// would, until ``release()`` (or until it goes away, if a test fails first).
///
/// The transaction lives on a thread of its own because GRDB runs it synchronously: the thread waits
/// inside it until released, while the test goes on.
public final class DatabaseWriteLock: Sendable {
    private let release_ = DispatchSemaphore(value: 0)
    private let released = DispatchSemaphore(value: 0)
    private let isReleased = Mutex(false)

    /// Returns once the lock is held.
    public init(path: String) throws {
        // The workers commit all the time: wait for our turn at the lock, as an application's transaction would.
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        let locked = DispatchSemaphore(value: 0)
        let failure = Mutex<(any Error)?>(nil)
        let (release, released) = (release_, released)
        Thread {
            do {
                try queue.inDatabase { db in
                    try db.execute(sql: "BEGIN IMMEDIATE")
                    locked.signal()
                    release.wait()
                    try db.execute(sql: "COMMIT")
                }
            } catch {
                failure.withLock { $0 = error }
                locked.signal()
            }
            released.signal()
        }.start()
        locked.wait()
        if let error = failure.withLock({ $0 }) { throw error }
    }

    /// Commits the lock holder's empty transaction; later calls do nothing.
    public func release() {
        guard isReleased.withLock({ released in defer { released = true }; return !released }) else { return }
        release_.signal()
        released.wait()
    }

    deinit { release() }
}
