import Foundation
import Offload
import OffloadSQLite
import OffloadTesting
import Synchronization
import Testing

@Suite("Opening a fresh database from many connections at once")
struct ConcurrentMigrationTests {
    @Test("eight stores opening one new file at the same moment all open it, and the schema is migrated once")
    func simultaneousOpenersAllSucceed() async throws {
        for round in 0..<5 {
            let directory = TemporaryDirectory("offload-migrate-race")
            let path = directory.file("race-\(round).sqlite3")
            // Threads, not tasks: each opener blocks in SQLite, and all must be inside it at once.
            let openers = 8
            let barrier = DispatchGroup()
            let start = DispatchSemaphore(value: 0)
            let failures = Mutex<[String]>([])
            for _ in 0..<openers {
                barrier.enter()
                Thread.detachNewThread {
                    start.wait()
                    do {
                        _ = try SQLiteTaskStore(path: path)
                    } catch {
                        failures.withLock { $0.append("\(error)") }
                    }
                    barrier.leave()
                }
            }
            for _ in 0..<openers { start.signal() }
            await withCheckedContinuation { continuation in
                barrier.notify(queue: .global()) { continuation.resume() }
            }
            #expect(failures.withLock { $0 } == [], "round \(round)")
            let store = try SQLiteTaskStore(path: path)
            #expect(try await store.enqueue(TaskRequest(taskName: "after the race")).status == .pending)
        }
    }
}
