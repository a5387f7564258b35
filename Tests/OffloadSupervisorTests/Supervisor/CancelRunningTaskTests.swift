import Foundation
import Offload
import OffloadProcessTesting
import OffloadTesting
import Testing

@Suite("Supervisor: cancelling running tasks", .serialized)
struct CancelRunningTaskTests {
    @Test("a running task cancelled cooperatively ends CANCELLED with who and when; its worker's other task finishes and the worker keeps serving")
    func cooperativeCancellation() async throws {
        let supervisor = try await SupervisorProcess.start(arguments: ["--concurrency", "2"])
        try await supervisor.waitUntilReady()
        // One transaction, so that the worker claims both at once: a worker busy with one task claims no more
        // until it has an outcome to record.
        let ids = try supervisor.store.enqueue(batch: [
            TaskRequest(taskName: "test.sleep", arguments: #"{"milliseconds": 60000, "label": "victim"}"#, retry: .exponential(maxAttempts: 3)),
            TaskRequest(taskName: "test.sleep", arguments: #"{"milliseconds": 15000, "label": "sibling"}"#),  // long: a loaded test process must not miss both running
        ]).map(\.id)
        let (victim, sibling) = (ids[0], ids[1])
        let worker = try await waitFor("both tasks to start on the one worker") {
            Set(supervisor.runs()) == ["start victim", "start sibling"] ? try supervisor.worker(running: victim) : nil
        }

        let results = try await supervisor.store.cancel([victim], by: "test-operator", at: Date())
        #expect(results.map(\.effect) == [.requested])
        let cancelled = try await supervisor.waitForStatus(victim, [.cancelled, .failed, .successful, .pending], timeout: .seconds(45))  // under the victim's 60 s
        #expect(cancelled.status == .cancelled, "\(cancelled)")
        #expect(cancelled.cancelledBy == "test-operator")
        #expect(cancelled.cancelRequestedAt != nil && cancelled.finishedAt != nil)
        #expect(cancelled.attempts == 1, "not retried, though its policy allows 3 attempts")
        #expect(!supervisor.runs().contains("end victim"))

        let finished = try await supervisor.waitForStatus(sibling, [.successful, .failed, .cancelled])
        #expect(finished.status == .successful, "\(finished)")
        let next = try supervisor.enqueue("test.echo", arguments: #"{"value": "still serving"}"#)
        #expect(try await supervisor.waitForStatus(next, [.successful]).workerIDs == [worker.id])
        #expect(try supervisor.status().workers.map(\.pid) == [worker.pid], "the worker was not replaced")
        #expect(!supervisor.logContains("ignored its cancellation"))
    }

    @Test("a running task that ignores cancellation gets its worker killed after the grace period and ends CANCELLED; a task on another worker completes")
    func ignoredCancellationKillsTheWorker() async throws {
        let supervisor = try await SupervisorProcess.start(queues: ["default": 2], arguments: ["--timeout-grace", "0.5"])
        try await supervisor.waitUntilReady()
        let stubborn = try supervisor.enqueue("test.block", arguments: #"{"seconds": 60}"#, retry: .exponential(maxAttempts: 3))
        let victim = try await waitFor("the stubborn task to start") {
            supervisor.runs().contains("blocking \(stubborn)") ? try supervisor.worker(running: stubborn) : nil
        }
        let sibling = try supervisor.enqueue("test.sleep", arguments: #"{"milliseconds": 2000, "label": "sibling"}"#)
        try await waitUntil("the sibling to start on the other worker") { supervisor.runs().contains("start sibling") }
        #expect(try supervisor.worker(running: sibling)?.pid != victim.pid)

        _ = try await supervisor.store.cancel([stubborn], by: "test-operator", at: Date())
        let cancelled = try await supervisor.waitForStatus(stubborn, [.cancelled, .failed, .successful, .pending], timeout: .seconds(20))
        #expect(cancelled.status == .cancelled, "\(cancelled)")
        #expect(cancelled.cancelledBy == "test-operator")
        #expect(cancelled.errors.last?.exceptionType == TaskFailureKind.cancelled, "\(cancelled.errors)")
        #expect(cancelled.attempts == 1)
        try await supervisor.waitForLog("ignored its cancellation")
        #expect(processIsGone(victim.pid))

        let finished = try await supervisor.waitForStatus(sibling, [.successful, .failed, .cancelled])
        #expect(finished.status == .successful, "\(finished)")
        try await waitUntil("a replacement worker") {
            let workers = try supervisor.status().workers
            return workers.count == 2 && !workers.contains { $0.pid == victim.pid }
        }
    }
}
