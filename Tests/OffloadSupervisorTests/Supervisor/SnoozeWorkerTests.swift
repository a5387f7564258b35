import Foundation
import Offload
import OffloadProcessTesting
import OffloadSQLite
import OffloadSupervisor
import OffloadTesting
import Testing

@Suite("Supervisor: a task that snoozes", .serialized)
struct SnoozeWorkerTests {
    @Test("a task that throws TaskSnooze in a real worker runs again after the delay and ends SUCCESSFUL with one counted attempt and no error")
    func snoozedTaskRunsAgain() async throws {
        let supervisor = try await SupervisorProcess.start()
        try await supervisor.waitUntilReady()
        // One attempt allowed: a snooze that counted as an attempt would leave none for the second run.
        let id = try supervisor.enqueue(SnoozeOnce.name, arguments: #"{"milliseconds": 300}"#)
        let record = try await supervisor.waitForStatus(id, [.successful, .failed], timeout: .seconds(60))
        #expect(record.status == .successful, "\(record.errors)")
        #expect(record.attempts == 1)
        #expect(record.errors.isEmpty)
        #expect(record.returnValue == "1")
        #expect(supervisor.runs() == ["snoozed \(id)", "ran \(id) attempt 1"])
        let exit = await supervisor.stop()
        #expect(exit == .exited(0), "\(exit)")
    }
}

/// The test worker's task, by name and arguments only (the test does not link the worker).
enum SnoozeOnce {
    static let name = "test.snoozeOnce"
}
