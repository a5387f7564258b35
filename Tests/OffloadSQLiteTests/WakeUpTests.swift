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
}
