import Foundation
import Offload
@testable import OffloadSQLite
import OffloadTesting
import Testing

@Suite("Announcing a visible commit")
struct CommitAnnouncementTests {
    /// A touch of the WAL's times dirtied its inode, and the next FULL commit's sync then had to write the
    /// file system's journal too (about 100 µs per sync here). The announcement must leave the file alone.
    @Test("announcing a commit leaves the WAL file's inode unchanged: no modification or change time moves")
    func announcementChangesNoInode() async throws {
        let fixture = try StoreFixture()
        _ = try await fixture.store.enqueue(TaskRequest(taskName: "t"))
        let wal = fixture.path + "-wal"
        let before = try Self.times(of: wal)
        // Past any coarse timestamp granularity, so a touch would show as a different time.
        try await Task.sleep(for: .milliseconds(20))
        CommitAnnouncement.announce(databaseAt: fixture.path)
        #expect(try Self.times(of: wal) == before)
    }

    @Test("an announcement alone, with no commit, wakes another store's WAL watch")
    func announcementAloneWakesWatch() async throws {
        let fixture = try StoreFixture()
        _ = try await fixture.store.enqueue(TaskRequest(taskName: "t"))
        let watcher = try SQLiteTaskStore(path: fixture.path)
        // The watch starts after the enqueue, so only the announcement below can ring it.
        let wakeUps = watcher.wakeUps()
        let woke = try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                for await _ in wakeUps { return true }
                return false
            }
            group.addTask {
                // Give the watch a moment to be in place; announcing again costs nothing.
                for _ in 0..<1000 {
                    CommitAnnouncement.announce(databaseAt: fixture.path)
                    try await Task.sleep(for: .milliseconds(10))
                }
                return false
            }
            let first = try await group.next()!
            group.cancelAll()
            return first
        }
        #expect(woke)
    }

    private static func times(of path: String) throws -> [Int] {
        var info = stat()
        guard lstat(path, &info) == 0 else { throw POSIXError(.ENOENT) }
        return [info.st_mtim.tv_sec, info.st_mtim.tv_nsec, info.st_ctim.tv_sec, info.st_ctim.tv_nsec]
    }
}
