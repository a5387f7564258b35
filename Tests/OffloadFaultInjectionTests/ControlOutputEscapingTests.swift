import Foundation
import Offload
import OffloadProcessTesting
import OffloadSupervisor
import OffloadTesting
import Testing

@Suite("Faults: terminal escapes in what a worker writes", .serialized)
struct ControlOutputEscapingTests {
    @Test("a worker's output and crash report reach the supervisor's log with every control character escaped")
    func workerOutputIsEscaped() async throws {
        let supervisor = try await SupervisorProcess.start(queues: ["default": 1])
        try await supervisor.waitUntilReady()
        // A title change, a screen clear, a carriage return that hides what precedes it, a C1 CSI, a
        // right-to-left override: the worker prints it to stderr as it dies.
        let message = #"\u001b]0;pwned\u0007\u001b[2Jall good\rFORGED\u009b31m\u202edesrever"#
        let id = try supervisor.enqueue("test.crash", arguments: #"{"message": "\#(message)"}"#)

        let audit = try await auditWhenFinished([id], in: supervisor.store)
        #expect(audit.failures.count == 1, "the task fails for its crash: \(audit)")
        try await waitUntil("the death in the log") { supervisor.logContains("worker died") }
        try await waitUntil("the crash's line forwarded") { supervisor.logContains("FORGED") }

        let unsafe = supervisor.log.filter { line in line.unicodeScalars.contains(where: TerminalSafe.needsEscape) }
        #expect(unsafe.isEmpty, "lines with control characters: \(unsafe.map { TerminalSafe.escape($0) })")
        #expect(supervisor.logContains(#"\x1b]0;pwned\x07\x1b[2Jall good\rFORGED\x9b31m\u{202e}desrever"#), "shown escaped, not dropped")
        #expect(try supervisor.status().phase == "running")
        #expect(await supervisor.stop() == .exited(0))
        #expect(livePIDs(mentioning: supervisor.directory.path).isEmpty)
    }
}
