import Foundation
import Offload
import OffloadProcessTesting
import OffloadTesting
import Testing

/// Nothing a worker starts may outlive it: not a process a task left running, not Swift's backtracer.
@Suite("Faults: processes a worker started, crashes", .serialized)
struct ProcessTreeTests {
    @Test("a process a task started dies with its worker when the worker is SIGKILLed; the task fails as the worker's death")
    func taskChildDiesWithKilledWorker() async throws {
        let supervisor = try await SupervisorProcess.start()
        try await supervisor.waitUntilReady()
        let id = try supervisor.enqueue("test.spawn-child", arguments: #"{"holdMilliseconds": 60000}"#)
        let child = try await waitFor("the task's child process") { taskChild(of: supervisor) }
        defer { kill(child, SIGKILL) }
        let worker = try await waitFor("the worker running the task") { try supervisor.worker(running: id) }

        kill(worker.pid, SIGKILL)
        try await waitUntil("the child to die with its worker") { processIsGone(child) }
        let audit = try await auditWhenFinished([id], in: supervisor.store)
        #expect(audit.failures.map(\.exceptionType) == [TaskFailureKind.workerDied], "\(audit)")
        #expect(try supervisor.status().phase == "running")
        #expect(await supervisor.stop() == .exited(0))
        #expect(livePIDs(mentioning: supervisor.directory.path).isEmpty)
    }

    @Test("a process a finished task left running dies when the supervisor stops its worker")
    func leftoverChildDiesWhenSupervisorStops() async throws {
        let supervisor = try await SupervisorProcess.start()
        try await supervisor.waitUntilReady()
        let id = try supervisor.enqueue("test.spawn-child", arguments: #"{"holdMilliseconds": 0}"#)
        let audit = try await auditWhenFinished([id], in: supervisor.store)
        #expect(audit.records.map(\.status) == [.successful], "\(audit)")
        let child = try #require(taskChild(of: supervisor))
        defer { kill(child, SIGKILL) }
        #expect(!processIsGone(child), "the task left its child running")
        #expect(try supervisor.status().phase == "running")

        #expect(await supervisor.stop() == .exited(0))
        try await waitUntil("the child to die with its worker") { processIsGone(child) }
        #expect(livePIDs(mentioning: supervisor.directory.path).isEmpty)
    }

    @Test("when the supervisor is SIGKILLed, its worker and the process the worker's task started die too; a successor fails the task")
    func taskChildDiesWhenSupervisorIsKilled() async throws {
        let first = try await SupervisorProcess.start()
        try await first.waitUntilReady()
        let id = try first.enqueue("test.spawn-child", arguments: #"{"holdMilliseconds": 60000}"#)
        let child = try await waitFor("the task's child process") { taskChild(of: first) }
        defer { kill(child, SIGKILL) }
        let worker = try await waitFor("the worker running the task") { try first.worker(running: id) }

        first.signal(SIGKILL)
        try await waitUntil("the worker and its task's child to die with the supervisor") { processIsGone(worker.pid) && processIsGone(child) }
        #expect(livePIDs(mentioning: first.directory.path).isEmpty)

        let successor = try await SupervisorProcess.start(directory: first.directory)
        try await successor.waitUntilReady()
        let audit = try await auditWhenFinished([id], in: successor.store)
        #expect(audit.failures.count == 1, "\(audit)")
        #expect(try successor.status().phase == "running")
        #expect(await successor.stop() == .exited(0))
        #expect(livePIDs(mentioning: first.directory.path).isEmpty)
    }

    @Test("a crashing worker ends without Swift's backtracer, and its task's error quotes the fatal error")
    func crashEndsWithoutBacktracer() async throws {
        let supervisor = try await SupervisorProcess.start()
        try await supervisor.waitUntilReady()
        let id = try supervisor.enqueue("test.crash", arguments: #"{"message": "poisoned row 42"}"#)
        let audit = try await auditWhenFinished([id], in: supervisor.store)
        let error = try #require(audit.records.first?.errors.last)
        #expect(error.exceptionType == TaskFailureKind.workerDied)
        let traceback = error.traceback ?? ""
        #expect(traceback.contains("Fatal error: poisoned row 42"), "traceback: \(traceback)")
        #expect(!traceback.contains("Program crashed"), "the backtracer ran: \(traceback)")
        #expect(try supervisor.status().phase == "running")
        #expect(await supervisor.stop() == .exited(0))
        #expect(livePIDs(mentioning: supervisor.directory.path).isEmpty)
    }

    @Test("a SWIFT_BACKTRACE setting of the user's own reaches the workers unchanged")
    func userBacktraceSettingIsKept() async throws {
        let supervisor = try await SupervisorProcess.start(environment: ["SWIFT_BACKTRACE": "enable=yes,interactive=no,symbolicate=off,threads=crashed,images=none"])
        try await supervisor.waitUntilReady()
        let id = try supervisor.enqueue("test.crash", arguments: #"{"message": "poisoned row 43"}"#)
        let audit = try await auditWhenFinished([id], in: supervisor.store)
        let traceback = audit.records.first?.errors.last?.traceback ?? ""
        #expect(traceback.contains("Program crashed"), "traceback: \(traceback)")
        #expect(await supervisor.stop() == .exited(0))
        #expect(livePIDs(mentioning: supervisor.directory.path).isEmpty)
    }

    /// The pid `test.spawn-child` logged for the process it started.
    private func taskChild(of supervisor: SupervisorProcess) -> pid_t? {
        supervisor.runs().first { $0.hasPrefix("child ") }.flatMap { pid_t($0.dropFirst("child ".count)) }
    }
}
