import Glibc
import Testing
@testable import OffloadSupervisor

extension ProcessTests {
    @Suite("The spawner thread")
    struct SpawnerThreading {
        @Test("jobs from many concurrent tasks all run on the same dedicated thread")
        func oneThreadForAllSpawns() async throws {
            let threads = try await withThrowingTaskGroup(of: pthread_t.self) { group in
                for _ in 0..<20 {
                    group.addTask { try await SpawnerThread.shared.run { pthread_self() } }
                }
                return try await group.reduce(into: Set<pthread_t>()) { $0.insert($1) }
            }
            #expect(threads.count == 1)
            #expect(threads.first != pthread_self())
        }
    }
}
