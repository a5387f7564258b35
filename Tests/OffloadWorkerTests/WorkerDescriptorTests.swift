import Foundation
import Offload
import OffloadSupervisor
import OffloadTesting
import OffloadWorker
import Testing

@Suite("A worker's own descriptors: lifeline, status pipe, stderr", .serialized)
struct WorkerDescriptorTests {
    @Test("a worker whose stderr is a broken pipe still exits 75 when its lifeline closes")
    func brokenStandardErrorStillExitsSupervisorGone() async throws {
        let fixture = try WorkerFixture()
        let lifeline = try FileDescriptorPipe()
        let brokenOutput = try FileDescriptorPipe()
        close(brokenOutput.readEnd)  // nobody ever reads: every write fails with EPIPE
        var environment = ProcessInfo.processInfo.environment
        environment[WorkerProcessContract.supervisorPIDVariable] = String(getpid())
        environment[WorkerProcessContract.lifelineFDVariable] = String(WorkerProcessContract.lifelineFD)
        let worker = try await ChildProcess.spawn(SpawnRequest(
            executable: BuiltProducts.path(of: "TestWorker"),
            arguments: ["--database", fixture.database, "--worker-id", "broken-stderr"],
            environment: environment,
            extraDescriptors: [WorkerProcessContract.lifelineFD: lifeline.readEnd],
            output: .descriptors(standardOutput: brokenOutput.writeEnd, standardError: brokenOutput.writeEnd)))
        close(lifeline.readEnd)
        close(brokenOutput.writeEnd)
        defer { worker.send(SIGKILL) }
        try await waitUntil("the worker to register") { try await fixture.store.workers().contains { $0.id == "broken-stderr" } }

        close(lifeline.writeEnd)
        let exit = await worker.waitForExit(timeout: .seconds(60))
        #expect(exit == .exited(WorkerExitCode.supervisorGone), "the worker \(exit.map(String.init(describing:)) ?? "did not exit")")
    }

    @Test("a process a task starts inherits neither the status pipe nor the lifeline")
    func taskChildrenDoNotInheritStatusOrLifeline() async throws {
        let fixture = try WorkerFixture()
        let status = try FileDescriptorPipe()
        let lifeline = try FileDescriptorPipe()
        defer { close(status.readEnd); close(lifeline.writeEnd) }
        var environment = ProcessInfo.processInfo.environment
        environment["OFFLOAD_TEST_RUN_LOG"] = fixture.runLog
        environment[WorkerProcessContract.supervisorPIDVariable] = String(getpid())
        environment[WorkerProcessContract.statusFDVariable] = String(WorkerProcessContract.statusFD)
        environment[WorkerProcessContract.lifelineFDVariable] = String(WorkerProcessContract.lifelineFD)
        let worker = try await ChildProcess.spawn(SpawnRequest(
            executable: BuiltProducts.path(of: "TestWorker"),
            arguments: ["--database", fixture.database],
            environment: environment,
            extraDescriptors: [WorkerProcessContract.statusFD: status.writeEnd, WorkerProcessContract.lifelineFD: lifeline.readEnd],
            output: .discard, leadsProcessGroup: true))
        close(status.writeEnd)
        close(lifeline.readEnd)
        defer { worker.send(SIGKILL) }

        try fixture.enqueue("test.spawn-child", #"{"holdMilliseconds": 0}"#)
        let child = try await waitFor("the task's child process") { fixture.runs().first { $0.hasPrefix("child ") }.flatMap { pid_t($0.dropFirst(6)) } }
        defer { kill(child, SIGKILL) }
        let workerPipes = Set([try pipeIdentity(status.readEnd), try pipeIdentity(lifeline.writeEnd)])
        let childPipes = Set(try FileManager.default.contentsOfDirectory(atPath: "/proc/\(child)/fd").compactMap { entry in
            try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(child)/fd/\(entry)")
        })
        #expect(childPipes.isDisjoint(with: workerPipes), "the child holds \(childPipes.intersection(workerPipes))")
    }

    /// "pipe:[inode]": the same for both ends of one pipe, in any process.
    private func pipeIdentity(_ descriptor: Int32) throws -> String {
        try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(descriptor)")
    }
}
