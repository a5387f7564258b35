import Foundation
import Offload
import OffloadProcessTesting
import OffloadSupervisor
import OffloadTesting
import Testing

@Suite("Faults: absurd worker counts and spawn bursts", .serialized)
struct SpawnBurstTests {
    @Test("`ctl scale default=40000` is refused with the ceiling in the message, and nothing is spawned")
    func scaleOverCeilingIsRefused() async throws {
        let (supervisor, spawnCount) = try await startWithFailingWorker(workers: 0, waitUntilReady: false)
        try await supervisor.explainingTimeout { try await waitUntil("ctl to answer") { (try? supervisor.status()) != nil } }
        let response = try ControlClient.send(.scale(["default": 40_000]), to: supervisor.controlSocket)
        // Before the ceiling this started spawning; the failing worker only halts the queue after 5 tries.
        if response.ok { supervisor.signal(SIGKILL) }
        #expect(!response.ok, "\(response.message)")
        #expect(response.message.contains("more than the \(SpawnLimits.maximumWorkers) workers"), "\(response.message)")
        let status = try supervisor.status()
        #expect(status.queues.map(\.target) == [0])
        #expect(spawnCount() == 0)
        #expect(await supervisor.stop() == .exited(0))
        #expect(livePIDs(mentioning: supervisor.directory.path).isEmpty)
    }

    @Test("`--workers 100000` stops the supervisor before it spawns anything, with the ceiling in the message")
    func startOverCeilingIsRefused() async throws {
        let (supervisor, spawnCount) = try await startWithFailingWorker(workers: 100_000, waitUntilReady: false)
        let exit = await supervisor.process.waitForExit(timeout: .seconds(20))
        if exit == nil { supervisor.signal(SIGKILL) }
        #expect(exit.map { !$0.isSuccess } == true, "the supervisor \(exit.map(String.init(describing:)) ?? "kept running")")
        // One queue over the ceiling is refused as a bad flag value; several under it but over it together, by
        // the spawn limit. Both name the ceiling.
        #expect(exit == .exited(64), "a usage error")
        try await supervisor.waitForLog("from 0 to \(SpawnLimits.maximumWorkers)")
        #expect(spawnCount() == 0)
        #expect(livePIDs(mentioning: supervisor.directory.path).isEmpty)
    }

    @Test("scaling to 24 workers starts them a few at a time, and `ctl status` answers while they start")
    func burstIsSpreadOverTurns() async throws {
        let supervisor = try await SupervisorProcess.start(queues: ["default": 1])
        try await supervisor.waitUntilReady()
        let response = try ControlClient.send(.scale(["default": 24]), to: supervisor.controlSocket)
        #expect(response.ok, "\(response.message)")

        var mostStarting = 0
        var answeredMidBurst = false
        try await supervisor.explainingTimeout {
            try await waitUntil("24 ready workers", timeout: .seconds(120), interval: .milliseconds(20)) {
                let status = try supervisor.status()
                let starting = status.workers.count { $0.state == "starting" }
                mostStarting = max(mostStarting, starting)
                if status.workers.count < 24 { answeredMidBurst = true }
                return status.workers.count { $0.state == "ready" } == 24
            }
        }
        #expect(mostStarting <= SpawnLimits.maximumStarting, "at most \(SpawnLimits.maximumStarting) workers start at once; seen \(mostStarting)")
        #expect(answeredMidBurst, "ctl status answered before every worker was spawned")
        #expect(await supervisor.stop() == .exited(0))
        #expect(livePIDs(mentioning: supervisor.directory.path).isEmpty)
    }

    /// A supervisor whose worker dies at once (so that a count over the ceiling, before it was refused,
    /// cost a few failed spawns and a halted queue, never a machine full of processes), and a counter of
    /// its spawns.
    private func startWithFailingWorker(workers: Int, waitUntilReady: Bool = true) async throws -> (SupervisorProcess, () -> Int) {
        let directory = TemporaryDirectory("offload-supervisor")
        let worker = directory.file("failing-worker")
        try "#!/bin/sh\nexit 3\n".write(toFile: worker, atomically: true, encoding: .utf8)
        chmod(worker, 0o700)
        let supervisor = try await SupervisorProcess.start(queues: ["default": workers], directory: directory, worker: worker)
        if waitUntilReady { try await supervisor.waitUntilReady() }
        return (supervisor, { supervisor.log.filter { $0.contains("spawned worker") }.count })
    }
}
