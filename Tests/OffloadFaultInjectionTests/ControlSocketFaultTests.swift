import Foundation
import Offload
import OffloadProcessTesting
import OffloadSupervisor
import OffloadTesting
import Testing

@Suite("Faults: hostile and careless control-socket clients", .serialized)
struct ControlSocketFaultTests {
    @Test("clients that hang up before the answer cost nothing: the supervisor lives, answers, and loses no task")
    func clientsHangingUpBeforeTheAnswer() async throws {
        let supervisor = try await SupervisorProcess.start(queues: ["default": 1])
        try await supervisor.waitUntilReady()
        let ids = try (0..<10).map { try supervisor.enqueue("test.record", arguments: #"{"label": "t\#($0)", "sleepMilliseconds": 20}"#) }
        // Ctrl-C on `ctl status`, a client timeout: the request arrives, the asker is gone before the answer.
        for request in Array(repeating: #"{"status":{}}"#, count: 30) + Array(repeating: #"{"scale":{"_0":{"default":1}}}"#, count: 30) {
            let connection = try #require(ControlConnection.open(supervisor.controlSocket), "the supervisor ended: \(String(describing: supervisor.process.exitStatus))")
            connection.send(request + "\n")
            connection.hangUp()
        }

        let audit = try await auditWhenFinished(ids, in: supervisor.store)
        #expect(audit.failures.isEmpty, "\(audit)")
        #expect(supervisor.process.exitStatus == nil, "the supervisor is alive: \(supervisor.log.suffix(20))")
        #expect(try supervisor.status().phase == "running")
        let workers = try supervisor.status().workers.map(\.pid)
        #expect(await supervisor.stop() == .exited(0))
        #expect(workers.allSatisfy(processIsGone))
        #expect(livePIDs(mentioning: supervisor.directory.path).isEmpty)
    }

    @Test("idle connections do not hold up `ctl status`: it is answered while they stay open")
    func idleConnectionsAreServedBeside() async throws {
        let supervisor = try await SupervisorProcess.start(queues: ["default": 1])
        try await supervisor.waitUntilReady()
        let idle = await openIdleConnections(6, to: supervisor.controlSocket)
        #expect(idle.count == 6)

        let run = try await SupervisorRun.run(["ctl", "status", "--control-socket", supervisor.controlSocket])
        #expect(run.status == .exited(0), "\(run)")
        #expect(run.output.contains("running"), "\(run)")
        #expect(idle.allSatisfy { $0.isOpenAndSilent }, "served beside the idle connections, not after they timed out")
        #expect(await supervisor.stop() == .exited(0))
        #expect(livePIDs(mentioning: supervisor.directory.path).isEmpty)
    }

    @Test("a flood of idle connections, past the listen backlog, neither blocks `ctl` nor the supervisor")
    func floodOfIdleConnections() async throws {
        let supervisor = try await SupervisorProcess.start(queues: ["default": 1])
        try await supervisor.waitUntilReady()
        let id = try supervisor.enqueue("test.record", arguments: #"{"label": "during the flood"}"#)
        let flood = await openIdleConnections(60, to: supervisor.controlSocket)
        #expect(flood.count == 60, "the supervisor keeps accepting")

        let run = try await SupervisorRun.run(["ctl", "status", "--control-socket", supervisor.controlSocket])
        #expect(run.status == .exited(0), "\(run)")
        let audit = try await auditWhenFinished([id], in: supervisor.store)
        #expect(audit.failures.isEmpty, "\(audit)")
        #expect(await supervisor.stop() == .exited(0))
        #expect(livePIDs(mentioning: supervisor.directory.path).isEmpty)
    }

    @Test("`ctl` gives up with a message, non-zero, on a socket whose listener never accepts")
    func clientConnectTimeout() async throws {
        let directory = TemporaryDirectory("offload-ctl")
        let path = directory.file("stuck.sock")
        let listener = try StuckListener(path: path)
        // Fill the backlog, as a hung supervisor's would be.
        let filling = await openIdleConnections(8, to: path, timeout: .milliseconds(500))
        #expect(!filling.isEmpty)

        let run = try await SupervisorRun.run(["ctl", "status", "--control-socket", path])
        #expect(run.status == .exited(1), "\(run)")
        #expect(run.output.contains("does not accept connections"), "\(run)")
        _ = listener
    }
}
