import Foundation
import Offload
import OffloadProcessTesting
import OffloadTesting
import Testing

@Suite("Wake-ups of idle supervised workers", .serialized)
struct WakeUpPickUpTests {
    /// The worker's safety poll is 5 s after its last look, and each task here is enqueued a few milliseconds
    /// after the previous one ended: a missed wake-up shows as a pick-up of nearly 5 s, against about a
    /// millisecond for one woken by the enqueue's commit. The bound sits halfway, since a full parallel run
    /// on two cores (development-mode tests building packages beside it) was seen delaying one woken pick-up
    /// by 1.8 s while this test took 47 s instead of its usual 1.2.
    @Test("an idle supervised worker picks up 40 tasks enqueued one at a time, each on its wake-up and none on the safety poll")
    func idlePickUpsFollowTheEnqueue() async throws {
        let supervisor = try await SupervisorProcess.start(queues: ["default": 1])
        try await supervisor.waitUntilReady()
        var pickUps: [Double] = []
        for index in 0..<40 {
            let id = try supervisor.enqueue("test.record", arguments: #"{"label": "w\#(index)"}"#)
            let record = try await supervisor.waitForStatus(id, [.successful])
            pickUps.append((record.startedAt ?? record.enqueuedAt).timeIntervalSince(record.enqueuedAt))
        }
        let slow = pickUps.enumerated().filter { $0.element >= 2.5 }.map { "task \($0.offset): \(Int($0.element * 1000)) ms" }
        #expect(slow.isEmpty, "pick-ups that waited for the safety poll: \(slow)")
        print("idle pick-ups: median \(Int(pickUps.sorted()[pickUps.count / 2] * 1000)) ms, slowest \(Int((pickUps.max() ?? 0) * 1000)) ms")
        #expect(await supervisor.stop() == .exited(0))
        #expect(livePIDs(mentioning: supervisor.directory.path).isEmpty)
    }
}
