import OffloadSupervisor
import Testing

@Suite("WorkerCounts")
struct WorkerCountsTests {
    static let source = ConfigurationSource.file(path: "/etc/offload/offload.conf", line: 12)

    @Test("queue=count pairs give each named queue its count")
    func perQueueCounts() throws {
        let counts = try WorkerCounts(parsing: "default=2, email=4", source: Self.source)

        #expect(counts == .perQueue(["default": 2, "email": 4]))
        #expect(counts.count(for: "email") == 4)
        #expect(counts.count(for: "reports") == nil)
        #expect(counts.description == "default=2, email=4")
    }

    @Test("spaces around names, counts and separators do not matter")
    func spacing() throws {
        #expect(try WorkerCounts(parsing: "  default = 2 ,email=4 ", source: Self.source) == .perQueue(["default": 2, "email": 4]))
    }

    @Test("a bare number applies to every queue")
    func everyQueue() throws {
        let counts = try WorkerCounts(parsing: "3", source: Self.source)

        #expect(counts == .everyQueue(3))
        #expect(counts.count(for: "anything") == 3)
    }

    @Test("zero pauses a queue")
    func zeroIsAllowed() throws {
        #expect(try WorkerCounts(parsing: "email=0", source: Self.source).count(for: "email") == 0)
    }

    @Test("a malformed list is an error naming the bad item and where it came from", arguments: [
        ("3, email=4", "not both; \"3\" has no \"=\""),
        ("default=2, email", "\"email\" has no \"=\""),
        ("default=2,, email=4", "\"\" has no \"=\""),
        ("=4", "\"=4\" names no queue"),
        ("email=four", "for queue email, not \"four\""),
        ("email=-1", "for queue email, not \"-1\""),
        ("email=", "for queue email, not \"\""),
        ("email=2, email=3", "email appears twice"),
        ("two", "a whole number from 0 to 1000"),
        ("-2", "a whole number from 0 to 1000"),
    ])
    func malformedCounts(text: String, detail: String) {
        let error = #expect(throws: ConfigurationError.self) { try WorkerCounts(parsing: text, source: Self.source) }

        #expect(error?.code == .invalidValue)
        #expect(error?.line == 12)
        #expect(error?.message.contains("for workers (from /etc/offload/offload.conf:12)") == true)
        #expect(error?.message.contains(detail) == true, "\(error?.message ?? "no error")")
    }

    @Test("the ctl scale syntax parses with the same rules and names its source")
    func scaleCommandSyntax() throws {
        let counts = try WorkerCounts(parsing: "email=6", key: "scale", source: .commandLine(flag: "ctl scale"))
        #expect(counts == .perQueue(["email": 6]))

        let error = #expect(throws: ConfigurationError.self) {
            try WorkerCounts(parsing: "email=lots", key: "scale", source: .commandLine(flag: "ctl scale"))
        }
        #expect(error?.message.contains("for scale (from command-line flag ctl scale)") == true)
    }
}
