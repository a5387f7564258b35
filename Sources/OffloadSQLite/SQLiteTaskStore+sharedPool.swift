import Foundation
import GRDB
import Offload

/// Sharing the app's own `DatabasePool` with Offload, so that tasks are enqueued in the app's transactions.
///
/// Worker processes write the same file (claims, results, heartbeats) while the app writes. GRDB's default
/// `busyMode` is `.immediateError`: every write the app begins while a worker holds SQLite's write lock fails
/// at once with "database is locked", which under a steady load was a fifth of all enqueues. A pool must
/// therefore wait for the lock, and ``configure(_:busyTimeout:)`` is the one way to make it do so:
///
/// ```swift
/// var configuration = Configuration()
/// SQLiteTaskStore.configure(&configuration)
/// let dbPool = try DatabasePool(path: "app.sqlite3", configuration: configuration)
/// let store = try SQLiteTaskStore(pool: dbPool)
/// ```
extension SQLiteTaskStore {
    /// The shortest busy timeout a shared pool may have: long enough to outwait a worker's commit on a loaded host.
    public static let minimumSharedBusyTimeout: Duration = .seconds(1)

    /// Prepares a GRDB configuration for a pool shared with Offload's workers: its writes wait up to
    /// `busyTimeout` for another process's write lock, retrying every millisecond.
    ///
    /// Retrying every millisecond, rather than with SQLite's own back-off (up to 100 ms between tries), keeps
    /// a busy writer such as a chunked prune from winning the lock again and again while the app sleeps.
    /// Writes through GRDB's `write` use `BEGIN IMMEDIATE`, which is what lets them wait at all: a transaction
    /// begun `DEFERRED` that reads and then writes cannot be retried once another process has committed.
    public static func configure(_ configuration: inout Configuration, busyTimeout: Duration = .seconds(5)) {
        let seconds = busyTimeout.seconds
        configuration.busyMode = .callback { tries in
            usleep(1_000)
            return Double(tries) * 0.001 < seconds
        }
    }

    /// Refuses a pool whose writes would fail whenever a worker process holds the write lock.
    /// - Throws: ``OffloadError/Code/invalidConfiguration`` saying what to set when the pool is made.
    static func checkShared(_ pool: DatabasePool, configuration: SQLiteStoreConfiguration) throws(OffloadError) {
        let poolConfiguration = pool.configuration
        if poolConfiguration.readonly && !configuration.readOnly {
            throw refusal(pool, "it is read-only (Configuration.readonly), and Offload must write the task tables; pass SQLiteStoreConfiguration with readOnly = true to only read them")
        }
        guard !configuration.readOnly else { return }
        switch poolConfiguration.busyMode {
        case .immediateError:
            throw refusal(pool, "its Configuration.busyMode is .immediateError (GRDB's default), so each write fails at once with \"database is locked\" while a worker process holds the write lock")
        case .timeout(let seconds) where !(seconds >= minimumSharedBusyTimeout.seconds):
            throw refusal(pool, "its Configuration.busyMode is .timeout(\(seconds)), shorter than the \(minimumSharedBusyTimeout.seconds) s a write may have to wait for a worker process's commit")
        case .timeout, .callback:
            return
        }
    }

    private static func refusal(_ pool: DatabasePool, _ reason: String) -> OffloadError {
        OffloadError(.invalidConfiguration, """
            The DatabasePool passed to SQLiteTaskStore(pool:) cannot share \(pool.path) with Offload's workers: \(reason). \
            Make the pool with `var configuration = Configuration(); SQLiteTaskStore.configure(&configuration); \
            let dbPool = try DatabasePool(path: …, configuration: configuration)`.
            """)
    }
}
