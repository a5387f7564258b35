import Foundation
import GRDB
import Offload

/// Turns SQLite's result codes into ``OffloadError``s that say what to do.
enum SQLiteErrorTranslation {
    static func translate(_ error: any Error, path: String) -> any Error {
        guard let error = error as? DatabaseError else { return error }
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return OffloadError(.databaseBusy, "The task database \(path) stayed locked by another process for longer than the busy timeout (\(error.message ?? "busy")). A long transaction elsewhere holds the write lock: shorten it, or raise the busy timeout (SQLiteStoreConfiguration.busyTimeout for a store that opened the file itself; for a DatabasePool passed to SQLiteTaskStore(pool:), the busyTimeout given to SQLiteTaskStore.configure(_:busyTimeout:) when the pool was made).")
        case .SQLITE_READONLY:
            return OffloadError(.databaseReadOnly, "The task database \(path) is read-only: \(error.message ?? "").  Give this user write permission on the file AND its directory (SQLite writes \(path)-wal and \(path)-shm beside it).")
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            return OffloadError(.databaseCorrupt, "\(path) is not a usable SQLite database (\(error.message ?? "corrupt")). Check that --database names the task database, or restore it from a backup.")
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH:
            return OffloadError(.databaseUnavailable, "Cannot open the task database \(path): \(error.message ?? "unable to open"). Check that the path exists and that this user may read and write it.")
        case .SQLITE_FULL, .SQLITE_IOERR:
            return OffloadError(.databaseUnavailable, "Writing the task database \(path) failed: \(error.message ?? "I/O error"). Is the disk full or failing?")
        default:
            return error
        }
    }
}
