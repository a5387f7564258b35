import Foundation
import Offload
import OffloadSQLite
import OffloadSupervisor
import OffloadProcessTesting
import OffloadTesting
import Testing

@Suite("Supervisor: crashes and recovery", .serialized)
struct CrashRecoveryTests {
    @Test("a worker killed with SIGKILL mid-task is replaced within a second and its task is retried with the reason")
    func killedWorkerIsReplacedAndTaskRetried() async throws {
        let supervisor = try await SupervisorProcess.start()
        try await supervisor.waitUntilReady()
        let id = try supervisor.enqueue("test.sleep", arguments: #"{"milliseconds": 8000, "label": "k"}"#, retry: .exponential(maxAttempts: 2, initial: .milliseconds(10)))
        // Killed only once the task's body has begun (its first run-log line), not just reported started.
        let victim = try await supervisor.explainingTimeout { try await waitFor("the task to start") { supervisor.runs() == ["start k"] ? try supervisor.worker(running: id) : nil } }

        // Latency is judged by the kernel's and the supervisor's clocks, not by when this test process got
        // round to looking: a loaded test run can stall its polling for seconds.
        let killedAt = Date()
        let killedSinceBoot = try #require(ProcessStartTime.secondsSinceBoot())
        kill(victim.pid, SIGKILL)
        let replacement = try await waitFor("a replacement worker") {
            try supervisor.status().workers.first { $0.pid != victim.pid && $0.queue == "default" }
        }
        let recovered = try await waitFor("the task to be recovered") {
            let record = try supervisor.record(id)
            return record.errors.isEmpty ? nil : record
        }
        let replacementStarted = try #require(ProcessStartTime.secondsSinceBoot(startOf: replacement.pid))
        #expect(replacementStarted - killedSinceBoot < 1, "the replacement was forked \(replacementStarted - killedSinceBoot) s after the kill")
        let recoveredAt = try #require(recovered.errors.first?.failedAt)
        #expect(recoveredAt.timeIntervalSince(killedAt) < 2, "the task was recovered \(recoveredAt.timeIntervalSince(killedAt)) s after the kill")
        #expect(recovered.errors.first?.exceptionType == TaskFailureKind.workerDied)
        #expect(recovered.errors.first?.message.contains("killed by signal 9") == true)

        let finished = try await supervisor.waitForStatus(id, [.successful, .failed])
        #expect(finished.status == .successful)
        #expect(finished.attempts == 2)
        #expect(supervisor.runs() == ["start k", "start k", "end k"])
    }

    @Test("while the database is locked, a dead worker is replaced at once and its task is recovered once the lock is gone")
    func lockedDatabaseDoesNotStallTheLoop() async throws {
        let supervisor = try await SupervisorProcess.start(arguments: ["--stale-worker-timeout", "10"])
        try await supervisor.waitUntilReady()
        let id = try supervisor.enqueue("test.sleep", arguments: #"{"milliseconds": 2000, "label": "l"}"#, retry: .exponential(maxAttempts: 2, initial: .milliseconds(10)))
        let victim = try await waitFor("the task to start") { try supervisor.worker(running: id) }

        let lock = try DatabaseWriteLock(path: supervisor.database)
        kill(victim.pid, SIGKILL)
        // The recovery waits for the lock (the store's busy timeout is 5 s), then gives up and says so.
        try await waitUntil("the recovery to give up", timeout: .seconds(30)) {
            supervisor.logContains("could not recover the tasks of worker \(victim.id)")
        }
        lock.release()
        let log = supervisor.log
        let victimSpawned = try #require(log.firstIndex { $0.contains("spawned worker") && $0.contains("pid=\(victim.pid) ") })
        let replaced = try #require(log[(victimSpawned + 1)...].firstIndex { $0.contains("spawned worker") && $0.contains("queue=default") })
        let gaveUp = try #require(log.firstIndex { $0.contains("could not recover the tasks of worker") })
        #expect(replaced < gaveUp, "the replacement must not wait for the store")

        // The registry sweep (every 5 s here) recovers the task once the database answers.
        let finished = try await supervisor.waitForStatus(id, [.successful, .failed], timeout: .seconds(60))
        #expect(finished.status == .successful)
        #expect(finished.attempts == 2)
        #expect(finished.errors.count == 1)
    }

    @Test("a stale worker on another host is recovered only once the supervisor has reached the database for a whole stale-worker timeout")
    func staleHeartbeatsAreJudgedOnlyAfterAWholeTimeoutOfContact() async throws {
        let directory = TemporaryDirectory("offload-supervisor")
        let store = try SQLiteTaskStore(path: directory.file("tasks.sqlite3"))
        let task = try await store.enqueue(TaskRequest(taskName: "test.echo", queueName: "elsewhere"))
        let lastBeat = Date().addingTimeInterval(-3600)
        try await store.heartbeat(WorkerRecord(
            id: "remote.1", host: "another-host", pid: 4242, queues: "elsewhere", state: "running",
            currentTaskIDs: [task.id], tasksDone: 0, startedAt: lastBeat, heartbeatAt: lastBeat, supervisorID: nil))
        #expect(try await store.complete([], thenClaim: ClaimRequest(workerID: "remote.1", queues: .named(["elsewhere"]), limit: 1)).map(\.id) == [task.id])

        // Its heartbeat is an hour old, but so would be a live worker's after an hour-long outage.
        let startedAt = Date()
        let supervisor = try await SupervisorProcess.start(arguments: ["--stale-worker-timeout", "10"], directory: directory)
        try await supervisor.waitUntilReady()
        let recovered = try await supervisor.waitForStatus(task.id, [.failed, .pending], timeout: .seconds(60))
        #expect(recovered.errors.first?.exceptionType == TaskFailureKind.workerLost)
        let finishedAt = try #require(recovered.finishedAt)
        #expect(finishedAt.timeIntervalSince(startedAt) >= 10, "recovered \(finishedAt.timeIntervalSince(startedAt)) s after the start")
    }

    @Test("a task that crashes its worker ends FAILED with the worker's last stderr lines, and the worker is replaced")
    func crashingTaskFailsWithBacktrace() async throws {
        let supervisor = try await SupervisorProcess.start()
        let before = try await supervisor.waitUntilReady()
        let id = try supervisor.enqueue("test.crash", arguments: #"{"message": "deliberate crash 7f3a"}"#)
        let record = try await supervisor.waitForStatus(id, [.failed])
        let error = try #require(record.errors.first)
        #expect(error.exceptionType == TaskFailureKind.workerDied)
        #expect(error.traceback?.contains("deliberate crash 7f3a") == true)
        let after = try await supervisor.waitUntilReady()
        #expect(Set(after.workers.map(\.pid)).isDisjoint(with: before.workers.map(\.pid)))
        // The worker keeps serving afterwards.
        let next = try supervisor.enqueue("test.echo", arguments: #"{"value": "still here"}"#)
        #expect(try await supervisor.waitForStatus(next, [.successful, .failed]).returnValue == #""still here""#)
    }

    @Test("a stopped (SIGSTOP) worker is detected as hung and replaced within the heartbeat timeout")
    func stoppedWorkerIsReplaced() async throws {
        let supervisor = try await SupervisorProcess.start(arguments: ["--heartbeat-timeout", "1"])
        let before = try await supervisor.waitUntilReady()
        let victim = try #require(before.workers.first)
        kill(victim.pid, SIGSTOP)
        // Detection within the heartbeat timeout (1 s) plus a tick, as the supervisor measured the silence
        // (this test's own polling can lag on a loaded machine); the kill follows after the kill grace.
        try await supervisor.waitForLog("is hung")
        let detection = try #require(supervisor.log.first { $0.contains("is hung") })
        let silence = try #require(detection.firstMatch(of: /no heartbeat for ([0-9.]+) s/).flatMap { Double($0.1) })
        #expect(silence < 3, "\(detection)")
        try await waitUntil("a replacement worker") {
            try supervisor.status().workers.contains { $0.pid != victim.pid && $0.state == "ready" }
        }
        try await waitUntil("the stopped worker to be gone") { processIsGone(victim.pid) }
    }

    @Test("killing the supervisor with SIGKILL leaves no worker alive")
    func workersDieWithTheSupervisor() async throws {
        let supervisor = try await SupervisorProcess.start(queues: ["default": 2, "email": 1])
        let status = try await supervisor.waitUntilReady()
        let pids = status.workers.map(\.pid)
        #expect(pids.count == 3)
        supervisor.signal(SIGKILL)
        // The kernel kills them (parent-death signal, lifeline closed); the deadline only bounds a failure.
        try await waitUntil("every worker to exit", timeout: .seconds(10), interval: .milliseconds(10)) {
            pids.allSatisfy(processIsGone)
        }
    }

    @Test("tasks left RUNNING by a supervisor that died with its workers are recovered when the next one starts")
    func startupRecoversTasksOfDeadSupervisor() async throws {
        let directory = TemporaryDirectory("offload-supervisor")
        let first = try await SupervisorProcess.start(directory: directory)
        try await first.waitUntilReady()
        let id = try first.enqueue("test.block", arguments: #"{"seconds": 30}"#)
        let holder = try await waitFor("the task to start") { try first.worker(running: id) }
        first.signal(SIGKILL)
        try await waitUntil("the old worker to exit", timeout: .seconds(10)) { processIsGone(holder.pid) }
        #expect(try first.record(id).status == .running)

        let second = try await SupervisorProcess.start(directory: directory)
        let record = try await second.waitForStatus(id, [.failed, .pending])
        #expect(record.status == .failed)
        #expect(record.errors.first?.exceptionType == TaskFailureKind.workerLost)
    }

    @Test("a worker executable that exits at once backs off, halts its queue with the reason, and other queues keep running")
    func crashLoopHaltsOnlyItsQueue() async throws {
        let supervisor = try await SupervisorProcess.start(queues: ["default": 1, "crash-at-start": 1])
        let halted = try await waitFor("the crashing queue to halt", timeout: .seconds(30)) {
            (try? supervisor.status())?.queues.first { $0.name == "crash-at-start" && $0.halted != nil }
        }
        #expect(halted.halted?.contains("exited with status 3") == true)
        #expect(halted.halted?.contains("refusing to start") == true)
        // The log is read from the supervisor's pipes as it comes and can lag behind its status.
        try await supervisor.waitForLog("queue crash-at-start halted")
        let spawns = supervisor.log.filter { $0.contains("spawned worker") && $0.contains("queue=crash-at-start") }.count
        #expect(spawns == 5)
        // Start-up is over once every queue is ready or halted: systemd gets READY=1, ctl shows "running".
        let status = try await supervisor.waitUntilReady()
        #expect(status.phase == "running")

        let id = try supervisor.enqueue("test.echo", arguments: #"{"value": "served"}"#)
        #expect(try await supervisor.waitForStatus(id, [.successful]).returnValue == #""served""#)
    }

    @Test("a task over its time limit that ignores cancellation gets its worker killed and ends FAILED with a timeout error")
    func hardTimeLimit() async throws {
        let supervisor = try await SupervisorProcess.start(arguments: ["--timeout-grace", "0.5"])
        try await supervisor.waitUntilReady()
        let id = try supervisor.enqueue("test.block", arguments: #"{"seconds": 60}"#, timeout: .milliseconds(500))
        let record = try await supervisor.waitForStatus(id, [.failed])
        #expect(record.errors.first?.exceptionType == TaskFailureKind.timedOut)
        try await supervisor.waitForLog("exceeded its time limit")
        try await supervisor.waitUntilReady()
    }

    @Test("a missing worker executable stops the supervisor at start with the path and what to do")
    func missingWorkerExecutable() async throws {
        let directory = TemporaryDirectory("offload-supervisor")
        let supervisor = try await SupervisorProcess.start(directory: directory, worker: directory.file("no-such-worker"))
        let status = await supervisor.process.waitForExit()
        #expect(status == .exited(78), "a configuration error: EX_CONFIG")
        try await supervisor.waitForLog("no-such-worker does not exist")
    }
}
