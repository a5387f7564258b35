import Foundation
import Offload
import OffloadProcessTesting
import OffloadTesting
import Testing

@Suite("Paused queues and concurrency limits with real supervisors and workers", .serialized)
struct QueueControlProcessTests {
    @Test("a concurrency limit of 2 is never exceeded while 200 limited tasks drain through 6 workers")
    func limitHoldsAcrossWorkers() async throws {
        let supervisor = try await SupervisorProcess.start(queues: ["default": 6])
        try await supervisor.waitUntilReady()
        let requests = (0..<200).map { _ in
            TaskRequest(taskName: "test.limited-span", arguments: #"{"sleepMilliseconds": 5}"#, concurrency: .init(key: "test.limited-span", limit: 2))
        }
        let ids = try supervisor.store.enqueue(batch: requests).map(\.id)
        var records: [TaskRecord] = []
        try await waitUntil("200 limited tasks to finish", timeout: .seconds(120), interval: .milliseconds(100)) {
            records = try ids.map { try supervisor.record($0) }
            return records.allSatisfy { $0.status.isFinished }
        }
        #expect(records.allSatisfy { $0.status == .successful }, "\(records.filter { $0.status != .successful }.map { "\($0.id): \($0.status) \($0.errors)" })")
        let peak = try Self.peakOverlap(records)
        #expect(peak <= 2, "at most 2 tasks of the key may run at once; \(peak) did")
        #expect(peak == 2, "six workers should run two at once at some point; the peak was \(peak)")
        #expect(Set(records.compactMap(\.workerIDs.last)).count > 1, "the tasks should have been spread over several workers")
        #expect(await supervisor.stop() == .exited(0))
    }

    @Test("no task of a paused queue starts after `offload pause` returned; workers stay up, and `offload resume` drains the rest")
    func pauseStopsStartsAndResumeRestarts() async throws {
        let supervisor = try await SupervisorProcess.start(queues: ["default": 2])
        let ready = try await supervisor.waitUntilReady()
        // Short tasks, so that workers prefetch: those are the tasks the pause must stop too.
        let ids = try supervisor.store.enqueue(batch: (0..<3000).map { _ in
            TaskRequest(taskName: "test.span", arguments: #"{"sleepMilliseconds": 1}"#)
        }).map(\.id)
        try await waitUntil("some tasks to finish", timeout: .seconds(60)) {
            try await supervisor.store.counts().first { $0.queueName == "default" }.map { $0.successful >= 50 } ?? false
        }
        let pause = try await OffloadCommandRun.result(of: ["pause", "default", "--database", supervisor.database])
        let pauseReturned = Date()
        #expect(pause.exitStatus == 0, "\(pause)")
        #expect(pause.standardOutput.contains("paused default"), "\(pause)")
        try await waitUntil("the running tasks to end", timeout: .seconds(60)) {
            try await supervisor.store.counts().first { $0.queueName == "default" }.map { $0.running == 0 } ?? false
        }
        let counts = try await OffloadCommandRun.result(of: ["counts", "--database", supervisor.database])
        #expect(counts.standardOutput.contains("[paused]") && !counts.standardOutput.contains("[no worker]"), "\(counts)")
        let finished = try ids.map { try supervisor.record($0) }.filter { $0.status == .successful }
        #expect(finished.count < ids.count, "the pause came too late to leave tasks pending")
        let late = try finished.filter { try Self.span(of: $0).start > pauseReturned.timeIntervalSince1970 * 1_000_000 }
        #expect(late.isEmpty, "tasks started after the pause returned: \(late.map(\.id))")
        #expect(try supervisor.status().workers.count == ready.workers.count, "workers stay up while their queue is paused")
        // The supervisor looks every 10 s: `ctl status` and the log say "paused", never "unserved".
        try await waitUntil("ctl status to show the paused queue", timeout: .seconds(40), interval: .milliseconds(200)) {
            try supervisor.status().pausedQueues == ["default"]
        }
        try await supervisor.waitForLog("queue default is paused")
        #expect(!supervisor.logContains("no worker serves"), "a paused queue is not unserved")

        let resume = try await OffloadCommandRun.result(of: ["resume", "default", "--database", supervisor.database])
        #expect(resume.exitStatus == 0 && resume.standardOutput.contains("resumed default"), "\(resume)")
        try await waitUntil("every task to finish once resumed", timeout: .seconds(120), interval: .milliseconds(100)) {
            try await supervisor.store.counts().first { $0.queueName == "default" }.map { $0.pending == 0 && $0.running == 0 } ?? false
        }
        #expect(await supervisor.stop() == .exited(0))
    }

    /// The start and end the task returned, in microseconds since 1970.
    static func span(of record: TaskRecord) throws -> (start: Double, end: Double) {
        let text = try JSONDecoder().decode(String.self, from: Data((record.returnValue ?? "\"\"").utf8))
        let parts = text.split(separator: " ").compactMap { Double($0) }
        guard parts.count == 2 else { throw SpanUnreadable(text: text) }
        return (parts[0], parts[1])
    }

    /// The most spans open at one instant (an end and a start at the same microsecond do not overlap).
    static func peakOverlap(_ records: [TaskRecord]) throws -> Int {
        let events = try records.flatMap { record -> [(Double, Int)] in
            let span = try span(of: record)
            return [(span.start, 1), (span.end, -1)]
        }.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        var open = 0
        var peak = 0
        for (_, change) in events {
            open += change
            peak = max(peak, open)
        }
        return peak
    }

    struct SpanUnreadable: Error { var text: String }
}
