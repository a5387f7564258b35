@testable import OffloadSupervisor
import Testing

@Suite("Store contact: when stale heartbeats may be trusted")
struct StoreContactTests {
    let start = ContinuousClock.now

    @Test("heartbeats are not judged before the store has answered for a whole stale-worker timeout")
    func notBeforeAWholeTimeout() {
        var contact = StoreContact()
        #expect(!contact.hasAnswered(for: .seconds(60), at: start))
        contact.record(succeeded: true, at: start)
        #expect(!contact.hasAnswered(for: .seconds(60), at: start + .seconds(59)))
        contact.record(succeeded: true, at: start + .seconds(30))
        #expect(contact.hasAnswered(for: .seconds(60), at: start + .seconds(60)))
    }

    @Test("a failure starts the wait again from the next success, so an outage never ages live workers into recovery")
    func failureRestartsTheWait() {
        var contact = StoreContact()
        contact.record(succeeded: true, at: start)
        contact.record(succeeded: false, at: start + .seconds(90))
        #expect(!contact.hasAnswered(for: .seconds(60), at: start + .seconds(120)))
        contact.record(succeeded: true, at: start + .seconds(120))
        #expect(!contact.hasAnswered(for: .seconds(60), at: start + .seconds(179)))
        #expect(contact.hasAnswered(for: .seconds(60), at: start + .seconds(180)))
    }
}
