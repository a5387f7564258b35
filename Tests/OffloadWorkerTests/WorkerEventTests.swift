import Offload
import OffloadWorker
import Testing

@Suite("Worker status events")
struct WorkerEventTests {
    @Test("every event survives a trip through its line", arguments: [
        WorkerEvent.ready, .heartbeat(tasksDone: 12), .started(7, timeout: .milliseconds(1500)), .started(8, timeout: nil), .finished(7), .draining,
    ])
    func roundTrip(event: WorkerEvent) {
        #expect(WorkerEvent(line: event.line) == event)
    }

    @Test("malformed lines are rejected", arguments: ["", "ready now", "started x 1", "heartbeat", "finished", "unknown 1"])
    func malformedLines(line: String) {
        #expect(WorkerEvent(line: line) == nil)
    }
}
