import Glibc
import Testing
@testable import OffloadSupervisor

extension ProcessTests {
    @Suite("Signals as an async stream")
    struct Signals {
        @Test("a signal sent to this process comes out of the stream")
        func deliversSignals() async throws {
            // SIGWINCH and SIGURG are ignored by default, so one sent before libdispatch has installed
            // its handler is lost rather than fatal: keep sending until one arrives.
            let stream = SignalStream.make(for: [SIGWINCH, SIGURG])
            let received = await withTaskGroup(of: Int32?.self) { group in
                group.addTask {
                    var iterator = stream.makeAsyncIterator()
                    return await iterator.next()
                }
                group.addTask {
                    let end = ContinuousClock.now + ProcessFixture.deadline
                    while ContinuousClock.now < end, !Task.isCancelled {
                        kill(getpid(), SIGWINCH)
                        try? await Task.sleep(for: .milliseconds(20))
                    }
                    return nil
                }
                let first = await group.next() ?? nil
                group.cancelAll()
                return first
            }
            #expect(received == SIGWINCH)
        }
    }
}
