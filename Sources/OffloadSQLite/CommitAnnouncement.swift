import Foundation

/// Tells idle workers that a commit is now visible, by touching the WAL file's modification time.
///
/// The WAL watch (``WALChangeMonitor``) sees a commit's frames being written, but SQLite publishes
/// the commit only afterwards: with `synchronous=FULL` after syncing the WAL (measured here at 4.7 ms
/// typical and over a second at worst on a loaded disk), with NORMAL a few microseconds later. No file
/// event marks the publication itself (it is a write to the memory-mapped `-shm` index), so a worker woken
/// by the frames could look, find nothing, and sleep through a task. After the commit returns, the
/// task is visible to every reader; touching the WAL then raises `IN_ATTRIB`, an event that comes after
/// the commit by construction. One `utimensat` per commit (per batch with group commit).
enum CommitAnnouncement {
    /// Touches `<database>-wal` without following a symlink there; failures are ignored, since the WAL
    /// watch and the worker's follow-up looks still find the task, only later.
    static func announce(databaseAt path: String) {
        _ = utimensat(AT_FDCWD, path + "-wal", nil, AT_SYMLINK_NOFOLLOW)
    }
}
