import Foundation
import Offload

/// Which file a path named when the store opened it (device and inode), to notice the file being deleted or
/// replaced (a restore from backup) while the store keeps the old one open.
///
/// SQLite keeps writing to the file it opened, even once unlinked: without this check enqueues succeed
/// into a file nobody else reads, and those tasks never run.
struct DatabaseFileIdentity: Sendable, Equatable {
    let device: UInt64
    let inode: UInt64

    /// The file at `path` now, or `nil` when there is none.
    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }

    /// Throws when `path` no longer names the file the store opened: one `stat`, cheap enough for every write.
    func check(path: String) throws(OffloadError) {
        let now = DatabaseFileIdentity(path: path)
        guard now != self else { return }
        let what = now.map { "it now names another file (inode \($0.inode), not \(inode))" } ?? "it no longer exists"
        throw OffloadError(.databaseUnavailable, "The task database \(path) was deleted or replaced while this process had it open: \(what). Writes would go to the old file, which no other process reads, so they are refused. Restart every process that uses the database (supervisor, workers, web app) so that they open the new file.")
    }
}
