import Foundation
import Offload
import OffloadProcessTesting
import OffloadTesting
import Testing

@Suite("Supervisor: its events counted in the database")
struct SupervisorEventCountTests {
    @Test("spawns, a crash and the exits at shutdown reach the database's counters, where a restarted supervisor adds to them")
    func eventsAreCountedAcrossRestarts() async throws {
        let directory = TemporaryDirectory("offload-event-counts")
        let supervisor = try await SupervisorProcess.start(directory: directory)
        let first = try await supervisor.waitUntilReady()
        let victim = try #require(first.workers.first)
        kill(victim.pid, SIGKILL)
        // Written beside the loop every few seconds: wait for the crash and the replacement's spawn to arrive.
        try await waitUntil("the crash and two spawns to be counted", timeout: .seconds(60)) {
            let counts = try await Self.events(supervisor.store)
            return counts["worker_crashed"] == 1 && counts["worker_spawned"] == 2
        }
        #expect(await supervisor.stop().isSuccess)
        let afterStop = try await Self.events(supervisor.store)
        #expect(afterStop["worker_exited"] == 2, "the crashed worker and the one stopped at shutdown: \(afterStop)")

        // Counters belong to the database, not to a process: a new supervisor adds to them.
        let second = try await SupervisorProcess.start(directory: directory)
        _ = try await second.waitUntilReady()
        #expect(await second.stop().isSuccess)
        let afterRestart = try await Self.events(second.store)
        #expect(afterRestart["worker_spawned"] == 3)
        #expect(afterRestart["worker_exited"] == 3)
        #expect(afterRestart["worker_crashed"] == 1)
    }

    /// `supervisor:EVENT` rows of the counters, by event.
    static func events(_ store: any TaskStore) async throws -> [String: Int] {
        var events: [String: Int] = [:]
        for row in try await store.metricsRows() where row.event.hasPrefix("supervisor:") {
            events[String(row.event.dropFirst("supervisor:".count)), default: 0] += row.count
        }
        return events
    }
}
