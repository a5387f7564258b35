import Offload
import OffloadWorker
import Testing

@Suite("Worker status events: cancelling")
struct CancellingEventTests {
    @Test("`cancelling ID` survives a trip through its line, and malformed ones are rejected")
    func cancellingLine() {
        #expect(WorkerEvent.cancelling(42).line == "cancelling 42")
        #expect(WorkerEvent(line: "cancelling 42") == .cancelling(42))
        #expect(WorkerEvent(line: "cancelling") == nil)
        #expect(WorkerEvent(line: "cancelling x") == nil)
        #expect(WorkerEvent(line: "cancelling 1 2") == nil)
    }
}
