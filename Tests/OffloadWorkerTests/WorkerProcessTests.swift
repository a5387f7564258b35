import Foundation
import Offload
import OffloadSQLite
import OffloadSupervisor
import OffloadTesting
import Testing

@Suite("Worker processes on one database", .serialized)
struct WorkerProcessTests {
    @Test("two worker processes drain 1,200 tasks and run each exactly once")
    func twoProcessesRunEachTaskOnce() async throws {
        let fixture = try WorkerFixture()
        let workers = [
            try await fixture.startWorker(["--worker-id", "w1", "--concurrency", "2"]),
            try await fixture.startWorker(["--worker-id", "w2", "--concurrency", "2"]),
        ]
        try await waitUntil("both workers to register") { try await fixture.store.workers().count == 2 }
        let requests = (0..<1200).map { TaskRequest(taskName: "test.record", arguments: #"{"label": "r\#($0)", "sleepMilliseconds": 1}"#) }
        let ids = try fixture.store.enqueue(batch: requests).map(\.id)
        try await waitUntil("every task to succeed", timeout: .seconds(60)) {
            try await fixture.store.counts().first?.successful == 1200
        }
        for worker in workers { worker.send(SIGTERM) }
        for worker in workers { #expect(await worker.waitForExit() == .exited(0)) }

        let runs = fixture.runs()
        #expect(runs.count == 1200)
        #expect(Set(runs).count == 1200)
        var byWorker: [String: Int] = [:]
        for id in ids {
            let record = try fixture.record(id)
            #expect(record.attempts == 1)
            #expect(record.workerIDs.count == 1)
            byWorker[record.workerIDs[0], default: 0] += 1
        }
        #expect(Set(byWorker.keys) == ["w1", "w2"], "both processes claimed work: \(byWorker)")
    }

    @Test("a worker runs higher priorities first, then in the order of enqueueing")
    func prioritiesAreHonoured() async throws {
        let fixture = try WorkerFixture()
        var expected: [(priority: Int, order: Int, label: String)] = []
        for order in 0..<40 {
            let priority = [-50, 0, 0, 10, 100][order % 5]
            let label = "p\(order)"
            try fixture.enqueue("test.record", #"{"label": "\#(label)"}"#, priority: priority)
            expected.append((priority, order, label))
        }
        let worker = try await fixture.startWorker(["--batch"])
        #expect(await worker.waitForExit() == .exited(0))
        let ordered = expected.sorted { ($1.priority, $0.order) < ($0.priority, $1.order) }.map(\.label)
        #expect(fixture.runs() == ordered)
    }

    @Test("a worker with a free slot takes work while a long task runs: a delayed task that comes due, then a new enqueue")
    func freeSlotTakesNewWorkWhileBusy() async throws {
        let fixture = try WorkerFixture()
        let worker = try await fixture.startWorker(["--concurrency", "2"])
        defer { worker.send(SIGKILL) }
        // Longer than any deadline below: if the free slot waited for it, the test fails instead of passing late.
        let long = try fixture.enqueue("test.sleep", #"{"milliseconds": 300000, "label": "long"}"#)
        try await waitUntil("the long task to start") { fixture.runs() == ["start long"] }

        // Not claimable by the claim that follows the long task's start, so it must be noticed coming due.
        let delayed = try fixture.enqueue("test.echo", #"{"value": "came due"}"#, runAfter: Date().addingTimeInterval(1))
        #expect(try await fixture.waitForFinish(delayed).status == .successful)
        // Its outcome was stored by the same transaction as the worker's next claim, which found nothing:
        // this task arrives after that claim, so only a wake-up can bring it in.
        let enqueued = try fixture.enqueue("test.echo", #"{"value": "while busy"}"#)
        #expect(try await fixture.waitForFinish(enqueued).status == .successful)
        #expect(try fixture.record(long).status == .running)
    }

    @Test("a delayed task does not start before its run-after time, and then runs")
    func runAfterIsHonoured() async throws {
        let fixture = try WorkerFixture()
        let worker = try await fixture.startWorker()
        defer { worker.send(SIGKILL) }
        let runAfter = Date().addingTimeInterval(1.5)
        let delayed = try fixture.enqueue("test.record", #"{"label": "later"}"#, runAfter: runAfter)
        let now = try fixture.enqueue("test.record", #"{"label": "now"}"#)
        let first = try await fixture.waitForFinish(now)
        #expect(first.status == .successful)
        #expect(try fixture.record(delayed).status == .pending)
        let second = try await fixture.waitForFinish(delayed)
        #expect(second.status == .successful)
        let started = try #require(second.startedAt)
        #expect(started >= runAfter)
        #expect(fixture.runs() == ["now", "later"])
    }

    @Test("a failing task is retried as its policy says, with one error per failed attempt")
    func retriesAsConfigured() async throws {
        let fixture = try WorkerFixture()
        let worker = try await fixture.startWorker()
        defer { worker.send(SIGKILL) }
        // test.fail's own policy: 3 attempts, 10 ms initial backoff.
        let recovers = try fixture.enqueue("test.fail", #"{"times": 2}"#, retry: .exponential(maxAttempts: 3, initial: .milliseconds(10), maximum: .milliseconds(50)))
        let exhausts = try fixture.enqueue("test.fail", #"{"times": 5}"#, retry: .exponential(maxAttempts: 3, initial: .milliseconds(10), maximum: .milliseconds(50)))

        let recovered = try await fixture.waitForFinish(recovers)
        #expect(recovered.status == .successful)
        #expect(recovered.attempts == 3)
        #expect(recovered.returnValue == "3")
        #expect(recovered.errors.map(\.attempt) == [1, 2])
        #expect(recovered.errors.allSatisfy { $0.exceptionType == "TestWorker.FailTimes.Flaky" })

        let failed = try await fixture.waitForFinish(exhausts)
        #expect(failed.status == .failed)
        #expect(failed.attempts == 3)
        #expect(failed.errors.map(\.message) == ["planned failure on attempt 1", "planned failure on attempt 2", "planned failure on attempt 3"])
        let gaps = zip(failed.errors.dropFirst(), failed.errors).map { $0.failedAt.timeIntervalSince($1.failedAt) }
        #expect(gaps.allSatisfy { $0 >= 0.008 }, "backoff waited between attempts: \(gaps)")
    }

    @Test("bad tasks end FAILED with an error that says what happened, and the worker keeps serving")
    func badTasksFailClearly() async throws {
        let fixture = try WorkerFixture()
        let unknown = try fixture.enqueue("no.such.task")
        let undecodable = try fixture.enqueue("test.echo", #"{"wrong": 1}"#)
        let nan = try fixture.enqueue("test.nan")
        let throwing = try fixture.enqueue("test.fail", #"{"times": 9}"#)
        let fine = try fixture.enqueue("test.echo", #"{"value": "ok"}"#)
        let worker = try await fixture.startWorker(["--batch"])
        #expect(await worker.waitForExit() == .exited(0))

        let unknownError = try #require(try fixture.record(unknown).errors.first)
        #expect(unknownError.exceptionType == TaskFailureKind.unknownTask)
        #expect(unknownError.message.contains("No task named no.such.task") && unknownError.message.contains("test.echo"))

        let decodeError = try #require(try fixture.record(undecodable).errors.first)
        #expect(decodeError.exceptionType == TaskFailureKind.undecodableArguments)
        #expect(decodeError.message.contains("test.echo"))

        let nanError = try #require(try fixture.record(nan).errors.first)
        #expect(nanError.exceptionType == TaskFailureKind.unencodableReturnValue)

        let thrown = try fixture.record(throwing)
        #expect(thrown.status == .pending || thrown.status == .failed)
        #expect(thrown.errors.first?.exceptionType == "TestWorker.FailTimes.Flaky")

        #expect(try fixture.record(fine).returnValue == #""ok""#)
        for id in [unknown, undecodable, nan] { #expect(try fixture.record(id).status == .failed) }
    }

    @Test("SIGTERM lets the running task finish, leaves queued tasks pending, and exits 0")
    func sigtermDrainsGracefully() async throws {
        let fixture = try WorkerFixture()
        let worker = try await fixture.startWorker()
        let running = try fixture.enqueue("test.sleep", #"{"milliseconds": 800, "label": "s"}"#)
        try await waitUntil("the task to start") { fixture.runs() == ["start s"] }
        let queued = try fixture.enqueue("test.record", #"{"label": "q"}"#, runAfter: Date().addingTimeInterval(0.3))
        worker.send(SIGTERM)
        #expect(await worker.waitForExit() == .exited(0))
        #expect(try fixture.record(running).status == .successful)
        let left = try fixture.record(queued)
        #expect(left.status == .pending)
        #expect(left.attempts == 0)
        #expect(fixture.runs() == ["start s", "end s"])
    }

    @Test("a missing database directory stops the worker with exit 69 and says what to create")
    func missingDatabaseDirectory() async throws {
        let fixture = try WorkerFixture()
        let worker = try await fixture.startWorker([], database: fixture.directory.file("missing/tasks.sqlite3"))
        let stderr = await collectStandardError(worker)
        #expect(await worker.waitForExit() == .exited(69))
        #expect(stderr.contains("mkdir -p \(fixture.directory.path)/missing"))
    }

    @Test("bad flags stop the worker with exit 64 and a usage message")
    func badFlags() async throws {
        let fixture = try WorkerFixture()
        let worker = try await fixture.startWorker(["--concurrency", "0"])
        let stderr = await collectStandardError(worker)
        #expect(await worker.waitForExit() == .exited(64))
        #expect(stderr.contains("--concurrency must be at least 1"))
    }
}
