import Foundation
import Offload
import OffloadProcessTesting
import OffloadTesting
import Testing

@Suite("Faults: the supervisor killed while its worker holds prefetched tasks", .serialized)
struct FateSupervisorKillTests {
    /// A worker claims fast tasks in batches, so when its supervisor dies (and it with it) it holds tasks it
    /// never started. Nobody saw its status pipe: the next supervisor's start-up sweep can only go by what
    /// the database says about each task.
    @Test("after a SIGKILLed supervisor, the next one's start-up sweep puts the tasks its worker never started back untouched, and counts the one it was running")
    func unstartedTasksSurviveASupervisorKill() async throws {
        // A prefetch budget of a minute: with the default 10 ms, a loaded machine made the warm-up tasks
        // average more than that, and the worker prefetched nothing (CI run 7, and a local run in session 22).
        let first = try await SupervisorProcess.start(queues: ["default": 1], arguments: ["--prefetch-budget", "60"])
        try await first.waitUntilReady()
        let workerPID = try #require(try first.status().workers.first?.pid)
        let commandLine = try String(contentsOfFile: "/proc/\(workerPID)/cmdline", encoding: .utf8).split(separator: "\0")
        #expect(commandLine.firstIndex(of: "--prefetch-budget").map { commandLine[$0 + 1] } == "60.0", "the supervisor passes the budget on")
        // Fast tasks first, so that the worker learns how long tasks take and claims many at once.
        let warmUp = try (0..<30).map { try first.enqueue("test.record", arguments: #"{"label": "warm-up \#($0)"}"#) }
        _ = try await auditWhenFinished(warmUp, in: first.store)

        let slow = TaskRequest(
            taskName: "test.sleep", priority: 10, arguments: #"{"milliseconds": 15000, "label": "slow"}"#,
            retry: .exponential(maxAttempts: 2, initial: .milliseconds(10)))
        let fast = (0..<20).map { TaskRequest(taskName: "test.record", arguments: #"{"label": "fast \#($0)"}"#) }
        let batch = try first.store.enqueue(batch: [slow] + fast)
        let ids = batch.map(\.id)
        let holder = try await first.explainingTimeout {
            try await waitFor("the worker to start the slow task, holding the fast ones") {
                try first.runs().contains("start slow") ? first.worker(running: ids[0]) : nil
            }
        }
        // Any prefetched task beside the running one makes the point.
        try await first.explainingTimeout {
            try await waitUntil("the worker to hold prefetched tasks beside the slow one") {
                try await first.store.records(matching: TaskFilter(status: .running, limit: 100)).count > 1
            }
        }

        first.signal(SIGKILL)
        _ = await first.process.waitForExit()
        try await waitUntil("the orphaned worker to exit") { processIsGone(holder.pid) }

        let second = try await SupervisorProcess.start(queues: ["default": 1], directory: first.directory)
        let audit = try await second.explainingTimeout { try await auditWhenFinished(ids, in: second.store) }
        #expect(audit.failures.isEmpty, "\(audit)")
        for id in ids.dropFirst() {
            let record = try second.record(id)
            #expect(record.attempts == 1 && record.errors.isEmpty, "task \(id) was never started before the kill: \(record.attempts) attempts, errors \(record.errors.map(\.exceptionType))")
        }
        let slowRecord = try second.record(ids[0])
        #expect(slowRecord.attempts == 2, "the slow task was running: its attempt counts")
        #expect(slowRecord.errors.map(\.exceptionType) == [TaskFailureKind.workerLost])

        #expect(try second.status().phase == "running")
        #expect(await second.stop() == .exited(0))
        #expect(livePIDs(mentioning: first.directory.path).isEmpty)
    }
}
