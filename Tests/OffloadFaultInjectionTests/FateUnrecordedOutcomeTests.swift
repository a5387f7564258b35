import Foundation
import Offload
import OffloadProcessTesting
import OffloadTesting
import Testing

@Suite("Faults: a worker dies before its finished attempts are recorded", .serialized)
struct FateUnrecordedOutcomeTests {
    /// A worker records finished attempts together with its next claim, so a crash between the two loses
    /// what the finished task returned. The supervisor knows (from `finished ID`) that the attempt ended and
    /// not how: the task runs again, uncounted, and the crash's error and stderr go to the crashing task alone.
    @Test("a task finished but not yet recorded when its worker crashed runs again and succeeds; the crash's stderr goes to the crashing task only, capped at 64 KiB")
    func finishedButUnrecordedTaskRunsAgain() async throws {
        let supervisor = try await SupervisorProcess.start(queues: ["default": 1])
        try await supervisor.waitUntilReady()
        // A first task teaches the worker that tasks here are fast, so it claims the next three at once: it
        // records the first one's outcome with its next claim, after the third has started, so never.
        let warmUp = try supervisor.enqueue("test.record", arguments: #"{"label": "warm-up"}"#)
        _ = try await supervisor.waitForStatus(warmUp, [.successful])

        let hugeMessage = "crash-on-purpose " + String(repeating: "x", count: 200_000)
        let batch = try supervisor.store.enqueue(batch: [
            TaskRequest(taskName: "test.record", priority: 10, arguments: #"{"label": "finished-first"}"#),
            TaskRequest(taskName: "test.crash", priority: 5, arguments: try TaskJSON.encode(["message": hugeMessage])),
            TaskRequest(taskName: "test.record", arguments: #"{"label": "never-started"}"#),
        ])
        let (finishedFirst, crasher, neverStarted) = (batch[0].id, batch[1].id, batch[2].id)
        let audit = try await supervisor.explainingTimeout {
            try await auditWhenFinished([warmUp, finishedFirst, crasher, neverStarted], in: supervisor.store)
        }

        let survivor = try supervisor.record(finishedFirst)
        #expect(survivor.status == .successful, "\(audit)")
        #expect(survivor.returnValue == #""finished-first""#)
        #expect(survivor.errors.isEmpty, "no error of another task is attached: \(survivor.errors.map(\.exceptionType))")
        // The worker sizes its prefetch from how fast tasks ran so far; on a loaded machine the warm-up looks slow,
        // the worker claims one task at a time, and the first outcome is recorded before the crash: it then ran
        // once. When it was prefetched with the crasher (the case this test is for) it ran twice, the rerun
        // uncounted. Never more, never lost.
        let runs = supervisor.runs().filter { $0 == "finished-first" }.count
        #expect(runs == 1 || runs == 2, "it ran before the crash and, if unrecorded, once again after: \(supervisor.runs())")
        #expect(survivor.attempts == 1, "a rerun of an attempt that ended is not counted: \(survivor.attempts)")

        let untouched = try supervisor.record(neverStarted)
        #expect(untouched.status == .successful && untouched.attempts == 1 && untouched.errors.isEmpty, "the prefetched task went back untouched")

        let crashed = try supervisor.record(crasher)
        #expect(crashed.status == .failed)
        #expect(crashed.errors.count == 1)
        #expect(crashed.errors.first?.exceptionType == TaskFailureKind.workerDied)
        let traceback = crashed.errors.first?.traceback ?? ""
        #expect(traceback.contains("xxxx"), "the crash's stderr is kept with the crashing task")
        #expect(traceback.utf8.count <= 64 * 1024, "the stderr tail is capped: \(traceback.utf8.count) bytes")

        #expect(try supervisor.status().phase == "running")
        let exit = await supervisor.stop()
        #expect(exit == .exited(0))
        #expect(livePIDs(mentioning: supervisor.directory.path).isEmpty)
    }
}
