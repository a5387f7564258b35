import Foundation
@testable import Offload
import Testing

@Suite("Unique task keys")
struct UniqueKeyTests {
    @Test("the key digest is SHA-256 (FIPS 180-4 test vectors)")
    func digestMatchesTheStandard() {
        #expect(SHA256Digest.hex(of: "abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256Digest.hex(of: "") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256Digest.hex(of: "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test("equal arguments in any key order give one key; other arguments, names or chosen arguments another")
    func keysFollowArguments() throws {
        let all = UniqueTask()
        let a = try all.constraint(taskName: "Sync", arguments: #"{"customer":7,"full":true}"#)
        let b = try all.constraint(taskName: "Sync", arguments: #"{"full":true, "customer":7}"#)
        #expect(a.key == b.key)
        #expect(try all.constraint(taskName: "Sync", arguments: #"{"customer":8,"full":true}"#).key != a.key)
        #expect(try all.constraint(taskName: "Other", arguments: #"{"customer":7,"full":true}"#).key != a.key)
        let chosen = UniqueTask(key: .arguments(["customer"]))
        #expect(try chosen.constraint(taskName: "Sync", arguments: #"{"customer":7,"full":true}"#).key == chosen.constraint(taskName: "Sync", arguments: #"{"customer":7,"full":false}"#).key)
        #expect(try chosen.constraint(taskName: "Sync", arguments: #"{"customer":7}"#).key != chosen.constraint(taskName: "Sync", arguments: #"{"customer":8}"#).key)
        let explicit = UniqueTask(key: .explicit("nightly"))
        #expect(try explicit.constraint(taskName: "A", arguments: "{}").key == explicit.constraint(taskName: "B", arguments: #"{"x":1}"#).key)
        #expect(a.storedStates == ",PENDING,RUNNING,")
    }

    @Test("a task type's unique option reaches its request; a plain task's request has none")
    func optionReachesTheRequest() throws {
        let request = try TaskRequest(UniqueSync.self, arguments: .init(customer: 3, full: true))
        #expect(request.unique?.key == (try UniqueSync.options.unique!.constraint(taskName: UniqueSync.name, arguments: #"{"customer":3}"#)).key)
        #expect(request.unique?.period == .seconds(600))
        #expect(TaskRequest(taskName: "plain").unique == nil)
    }
}

struct UniqueSync: BackgroundTask {
    struct Arguments: Codable, Sendable { var customer: Int; var full: Bool }
    static let name = "test.uniqueSync"
    static let options = TaskOptions(unique: UniqueTask(key: .arguments(["customer"]), period: .seconds(600)))
    static func run(_ arguments: Arguments, context: TaskContext) async throws -> Int { arguments.customer }
}

@Suite("Snoozing")
struct TaskSnoozeTests {
    struct Snoozer: BackgroundTask {
        static let name = "test.snoozer"
        static func run(_ arguments: NoArguments, context: TaskContext) async throws -> Int { throw TaskSnooze(for: .seconds(300)) }
    }

    @Test("a task that throws TaskSnooze ends its attempt snoozed until the delay has passed, not failed")
    func snoozeBecomesTheOutcome() async {
        let registry = TaskRegistry()
        registry.register(Snoozer.self)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let task = ClaimedTask(id: 1, taskName: Snoozer.name, queueName: "default", priority: 0, arguments: "{}", attempt: 1, retry: .none, timeout: .seconds(60), runAfter: now)
        let outcome = await TaskExecution.run(task, registry: registry, workerID: "w1", now: { now })
        #expect(outcome == .snoozed(until: now.addingTimeInterval(300)))
    }

    @Test("an absurd snooze delay is clamped, never trapping: negative is now, huge is one year", arguments: [
        (Duration.seconds(-5), 0.0), (.seconds(Int64.max), 365 * 86_400.0), (Duration(secondsComponent: .min, attosecondsComponent: 0), 0.0), (.milliseconds(1_500), 1.5),
    ])
    func absurdDelaysAreClamped(_ delay: Duration, _ seconds: Double) {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(TaskSnooze(for: delay).wakeTime(after: now) == now.addingTimeInterval(seconds))
    }
}
