import Foundation
import Offload
import OffloadProcessTesting
import OffloadSupervisor
import OffloadTesting
import Testing

@Suite("Faults: another user on the other end of the control socket", .serialized)
struct ControlTrustFaultTests {
    @Test("`ctl` refuses a socket another user bound first in a shared directory, and prints nothing of its answer")
    func forgedServerIsRefused() async throws {
        let directory = TemporaryDirectory("offload-shared")
        chmod(directory.path, 0o1777)   // a shared directory, like /tmp
        let forged = try await ForgedControlServer.start(path: directory.file("offload-supervisor.sock"))

        let run = try await SupervisorRun.run(["ctl", "status", "--control-socket", forged.path])
        #expect(run.status == .exited(1), "\(run)")
        #expect(run.output.contains("Refusing to talk to the process on"), "\(run)")
        #expect(!run.output.contains("all good"), "none of the forged answer is shown: \(run)")
        #expect(!run.output.unicodeScalars.contains("\u{1B}"), "no terminal escape reaches the terminal")
    }

    @Test("the supervisor refuses a client of another user, even through a socket that lets it connect")
    func otherUsersClientIsRefused() async throws {
        let directory = TemporaryDirectory("offload-supervisor")
        // Another user may pass through the directory but not write in it; the socket itself is opened up
        // as a mistaken chmod would.
        chmod(directory.path, 0o755)
        let supervisor = try await SupervisorProcess.start(queues: ["default": 1], directory: directory)
        try await supervisor.waitUntilReady()
        chmod(supervisor.controlSocket, 0o666)

        let run = try await SupervisorRun.run(["ctl", "scale", "default=0", "--control-socket", supervisor.controlSocket], as: nobodyUID)
        #expect(run.status == .exited(1), "\(run)")
        #expect(run.output.contains("permission denied"), "\(run)")
        try await waitUntil("the refusal in the supervisor's log") { supervisor.logContains("control socket: refused uid \(nobodyUID)") }
        let status = try supervisor.status()
        #expect(status.queues.first?.target == 1, "the other user's request changed nothing")

        let id = try supervisor.enqueue("test.record", arguments: #"{"label": "after the refusal"}"#)
        let audit = try await auditWhenFinished([id], in: supervisor.store)
        #expect(audit.failures.isEmpty, "\(audit)")
        #expect(await supervisor.stop() == .exited(0))
        #expect(livePIDs(mentioning: supervisor.directory.path).isEmpty)
    }
}
