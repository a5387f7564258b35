import OffloadSupervisor
import Testing

@Suite("ConfigurationValue")
struct ConfigurationValueTests {
    static func value(_ text: String, key: String = "graceful-timeout") -> ConfigurationValue {
        ConfigurationValue(text, key: key, source: .file(path: "offload.conf", line: 7))
    }

    @Test("durations are exact decimal seconds", arguments: [
        ("30", Duration.seconds(30)), ("0.5", .milliseconds(500)), ("0.1", .milliseconds(100)),
        ("1.250", .milliseconds(1250)), ("0", .zero), ("0.000000001", .nanoseconds(1)), ("86400", .seconds(86400)),
    ])
    func durations(text: String, expected: Duration) throws {
        #expect(try Self.value(text).duration() == expected)
    }

    @Test("a duration with a unit, a sign or a stray dot is an error naming key and source", arguments: [
        "30s", "5m", "-1", "+2", "", " ", ".5", "1.", "1.2.3", "abc", "1e3", "٣",
    ])
    func invalidDurations(text: String) {
        let error = #expect(throws: ConfigurationError.self) { try Self.value(text).duration() }

        #expect(error?.code == .invalidValue)
        #expect(error?.line == 7)
        #expect(error?.message.contains("for graceful-timeout (from offload.conf:7)") == true)
    }

    @Test("a duration finer than nanoseconds is rejected as a typo")
    func tooManyDecimals() {
        let error = #expect(throws: ConfigurationError.self) { try Self.value("0.0000000001").duration() }

        #expect(error?.message.contains("at most 9 decimal places") == true)
    }

    @Test("zero is refused where the caller needs a positive interval")
    func zeroDurationWhenPositiveRequired() throws {
        #expect(throws: ConfigurationError.self) { try Self.value("0", key: "heartbeat-interval").duration(allowingZero: false) }
        #expect(try Self.value("0.01", key: "heartbeat-interval").duration(allowingZero: false) == .milliseconds(10))
    }

    @Test("booleans accept the usual spellings in any case")
    func booleans() throws {
        for text in ["true", "TRUE", "yes", "on", "1"] { #expect(try Self.value(text, key: "reload").boolean()) }
        for text in ["false", "No", "off", "0"] { #expect(try !Self.value(text, key: "reload").boolean()) }
        #expect(throws: ConfigurationError.self) { try Self.value("maybe", key: "reload").boolean() }
    }

    @Test("integers are whole, unsigned and at least the minimum")
    func integers() throws {
        #expect(try Self.value("0", key: "max-worker-memory").integer() == 0)
        #expect(try Self.value("512", key: "max-worker-memory").integer() == 512)
        for text in ["-1", "1.5", "1_000", "", "two"] {
            #expect(throws: ConfigurationError.self) { try Self.value(text, key: "max-worker-memory").integer() }
        }
        let error = #expect(throws: ConfigurationError.self) { try Self.value("0", key: "concurrency").integer(minimum: 1) }
        #expect(error?.message.contains("a whole number from 1 to ") == true)
    }

    @Test("choices match without case and return the canonical spelling")
    func choices() throws {
        #expect(try Self.value("AUTO", key: "log-color").choice(["auto", "always", "never"]) == "auto")
        let error = #expect(throws: ConfigurationError.self) {
            try Self.value("sometimes", key: "log-color").choice(["auto", "always", "never"])
        }
        #expect(error?.message.contains("expected one of auto, always, never") == true)
    }

    @Test("lists are comma-separated and trimmed; empty or repeated items are errors")
    func lists() throws {
        #expect(try Self.value(" default ,email,  reports", key: "queues").list() == ["default", "email", "reports"])
        #expect(try Self.value("default", key: "queues").list() == ["default"])
        for text in ["default,,email", "default,", ",default", "default, email, default"] {
            #expect(throws: ConfigurationError.self) { try Self.value(text, key: "queues").list() }
        }
    }
}
