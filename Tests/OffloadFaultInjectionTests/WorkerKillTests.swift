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
        // 60 tasks of 100 ms on 2 workers: about 3 s of work, long enough to kill workers in the middle of it.
        let ids = try (0..<60).map { index in
            try supervisor.enqueue("test.record", arguments: #"{"label": "t\#(index)", "sleepMilliseconds": 100}"#, retry: retry)
        }
        for _ in 0..<3 {
            let victim = try await waitFor("a worker with a task") { try supervisor.status().workers.first { !$0.currentTasks.isEmpty } }
            kill(victim.pid, SIGKILL)
            try await waitUntil("the killed worker to be replaced") {
                try supervisor.status().workers.contains { $0.pid != victim.pid } && processIsGone(victim.pid)
            }
        }

        let audit = try await auditWhenFinished(ids, in: supervisor.store)
        #expect(audit.failures.isEmpty, "\(audit)")
        #expect(Set(supervisor.runs()) == Set((0..<ids.count).map { "t\($0)" }), "every task ran to its end")
        #expect(try supervisor.status().phase == "running")

        let workers = try supervisor.status().workers.map(\.pid)
        let exit = await supervisor.stop()
        #expect(exit == .exited(0), "the supervisor stops cleanly: \(exit)")
        #expect(workers.allSatisfy(processIsGone))
        #expect(livePIDs(mentioning: supervisor.directory.path).isEmpty)
    }
}
