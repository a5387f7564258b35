@testable import OffloadSupervisor
import Offload
import Testing

@Suite("ctl status text output")
struct StatusTableTests {
    /// A status whose every string carries something a terminal would act on.
    static let hostile = ControlResponse(
        ok: true, message: "ok\u{1B}]0;pwned\u{07}",
        status: SupervisorStatus(
            pid: 42, phase: "running\u{1B}[2J",
            queues: [.init(name: "em\u{1B}[31mail", target: 1, running: 1, halted: "died\nsupervisor 1: all good")],
            workers: [.init(id: "email.1\r#3", queue: "em\u{1B}[31mail", pid: 7, state: "ready\u{9B}2J", currentTasks: [5], secondsSinceHeartbeat: 0.5, tasksDone: 1, generation: 1)]))

    @Test("every string from the supervisor is printed with its control characters escaped, so none reaches the terminal")
    func controlCharactersAreEscaped() {
        let text = StatusTable.render(Self.hostile)
        #expect(!text.unicodeScalars.contains { $0 != "\n" && TerminalSafe.needsEscape($0) }, "\(text.debugDescription)")
        #expect(text.contains("em\\x1b[31mail"))
        #expect(text.contains("HALTED: died\\nsupervisor 1: all good"), "a forged line stays on its row")
        #expect(!text.split(separator: "\n").contains { $0.hasPrefix("supervisor 1") })
    }

    @Test("an ordinary status prints as before")
    func ordinaryStatus() {
        let response = ControlResponse(ok: true, message: "ok", status: SupervisorStatus(
            pid: 42, phase: "running", queues: [.init(name: "email", target: 2, running: 2, halted: nil)], workers: []))
        #expect(StatusTable.render(response).hasPrefix("ok\nsupervisor 42: running\n\nQUEUE          WORKERS   STATE\nemail          2/2       ok"))
    }
}
