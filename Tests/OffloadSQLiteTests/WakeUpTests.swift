import Foundation
import Offload
import OffloadSQLite
import OffloadTesting
import Testing

@Suite("Waking idle workers")
struct WakeUpTests {
    @Test("a commit from another connection wakes the store's wake-up stream")
    func commitWakesListener() async throws {
        let fixture = try StoreFixture()
        let other = try SQLiteTaskStore(path: fixture.path)
        let wakeUps = fixture.store.wakeUps()
        _ = try await other.enqueue(TaskRequest(taskName: "t"))
        let woke = try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                for await _ in wakeUps { return true }
                return false
            }
            group.addTask {
                try await Task.sleep(for: .seconds(10))
                return false
            }
            let first = try await group.next()!
            group.cancelAll()
            return first
        }
        #expect(woke)
    }

    @Test("muting takes the inotify watch off the database's directory; unmuting puts it back, and the next commit wakes")
    func mutingRemovesTheWatch() async throws {
        let fixture = try StoreFixture()
        let other = try SQLiteTaskStore(path: fixture.path)
        let directory = URL(fileURLWithPath: fixture.path).deletingLastPathComponent().path
        let wakeUps = fixture.store.wakeUps()
        #expect(try InotifyWatches.count(on: directory) == 1)
        fixture.store.setWakeUpsMuted(true)
        #expect(try InotifyWatches.count(on: directory) == 0, "muted, a busy worker's own commits would still raise events")
        let second = fixture.store.wakeUps()
        #expect(try InotifyWatches.count(on: directory) == 0, "a stream opened while muted starts muted")
        fixture.store.setWakeUpsMuted(false)
        #expect(try InotifyWatches.count(on: directory) == 2)

        _ = try await other.enqueue(TaskRequest(taskName: "after unmuting"))
        let woke = await firstResult(within: .seconds(60), otherwise: false) {
            for await _ in wakeUps { return true }
            return false
        }
        #expect(woke)
        _ = second
    }
}

/// The inotify watches this process holds, read from the kernel (`/proc/self/fdinfo`).
private enum InotifyWatches {
    /// How many watches, over all of this process's inotify descriptors, are on `directory`.
    static func count(on directory: String) throws -> Int {
        var info = stat()
        guard stat(directory, &info) == 0 else { throw POSIXError(.ENOENT) }
        let inode = String(info.st_ino, radix: 16)
        let descriptors = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")
        return descriptors.reduce(0) { total, fd in
            guard (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)")) == "anon_inode:inotify",
                  let text = try? String(contentsOfFile: "/proc/self/fdinfo/\(fd)", encoding: .utf8) else { return total }
            return total + text.split(separator: "\n").filter { $0.hasPrefix("inotify wd:") && $0.contains(" ino:\(inode) ") }.count
        }
    }
}
