import Foundation
import Offload
import OffloadProcessTesting
import OffloadTesting
import Testing

@Suite("Faults: workers killed under load", .serialized)
struct WorkerKillTests {
    @Test("workers killed with SIGKILL mid-drain cost no task: each ends SUCCESSFUL once, ctl answers, nothing outlives the supervisor")
    func killedWorkersLoseNoTask() async throws {
        let supervisor = try await SupervisorProcess.start(queues: ["default": 2])
        try await supervisor.waitUntilReady()
        let retry = RetryPolicy.exponential(maxAttempts: 5, initial: .milliseconds(10))
        // Waves of 60 tasks of 100 ms on 2 workers: about 3 s of work each, to kill workers in the middle of.
        func enqueueWave(_ wave: Int) throws -> [TaskResultID] {
            try (0..<60).map { index in
                try supervisor.enqueue("test.record", arguments: #"{"label": "t\#(wave)-\#(index)", "sleepMilliseconds": 100}"#, retry: retry)
            }
        }
        var ids = try enqueueWave(0)
        var kills = 0
        let deadline = ContinuousClock.now + .seconds(120)
        while kills < 3 {
            try #require(ContinuousClock.now < deadline, "no worker was seen holding a task in 120 s (\(kills) kills)")
            if let victim = try supervisor.status().workers.first(where: { !$0.currentTasks.isEmpty }) {
                kill(victim.pid, SIGKILL)
                kills += 1
                try await waitUntil("the killed worker to be replaced") {
                    try supervisor.status().workers.contains { $0.pid != victim.pid } && processIsGone(victim.pid)
                }
            } else if try await supervisor.store.counts().allSatisfy({ $0.pending == 0 && $0.running == 0 }) {
                // A stalled test process can find the drain over before its kills: give the workers another wave.
                ids += try enqueueWave(ids.count / 60)
            } else {
                try await Task.sleep(for: .milliseconds(10))
            }
        }

        let audit = try await auditWhenFinished(ids, in: supervisor.store)
        #expect(audit.failures.isEmpty, "\(audit)")
        #expect(Set(supervisor.runs()) == Set((0..<ids.count).map { "t\($0 / 60)-\($0 % 60)" }), "every task ran to its end")
        #expect(try supervisor.status().phase == "running")

        let workers = try supervisor.status().workers.map(\.pid)
        let exit = await supervisor.stop()
        #expect(exit == .exited(0), "the supervisor stops cleanly: \(exit)")
        #expect(workers.allSatisfy(processIsGone))
        #expect(livePIDs(mentioning: supervisor.directory.path).isEmpty)
    }
}
