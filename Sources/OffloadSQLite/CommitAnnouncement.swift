import Foundation

/// Tells idle workers that a commit is now visible, by opening the WAL file read-only and closing it.
///
/// The WAL watch (``WALChangeMonitor``) sees a commit's frames being written, but SQLite publishes
/// the commit only afterwards: with `synchronous=FULL` after syncing the WAL (measured here at 4.7 ms
/// typical and over a second at worst on a loaded disk), with NORMAL a few microseconds later. No file
/// event marks the publication itself (it is a write to the memory-mapped `-shm` index), so a worker woken
/// by the frames could look, find nothing, and sleep through a task. After the commit returns, the
/// task is visible to every reader; opening and closing the WAL then raises `IN_CLOSE_NOWRITE`, an event
/// that comes after the commit by construction. One `open` and one `close` per commit (per batch with
/// group commit).
///
/// It used to touch the WAL's modification time (`utimensat`, `IN_ATTRIB`). That dirtied the inode, and
/// the next FULL commit's `fdatasync` then had to commit the file system's journal too: a write + sync
/// cost about 100 µs more with a touch after each (docs/performance.md). A read-only open and close
/// changes nothing on disk (no read, so not even the access time).
///
/// Safe beside SQLite in the same process: closing a descriptor drops the process's POSIX locks on that
/// file, but SQLite never locks the `-wal` file (its WAL locks are on `-shm` and the database file).
enum CommitAnnouncement {
    /// Opens and closes `<database>-wal` without following a symlink there and without blocking on a
    /// FIFO planted at that name; failures (no WAL yet, no permission) are ignored, since the WAL watch
    /// and the worker's follow-up looks still find the task, only later.
    static func announce(databaseAt path: String) {
        let fd = open(path + "-wal", O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY)
        if fd >= 0 { close(fd) }
    }
}
