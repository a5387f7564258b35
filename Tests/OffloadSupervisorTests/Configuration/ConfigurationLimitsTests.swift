@testable import OffloadSupervisor
import Testing

@Suite("Configuration limits: no typed-in number can trap")
struct ConfigurationLimitsTests {
    static func value(_ text: String, key: String) -> ConfigurationValue {
        ConfigurationValue(text, key: key, source: .environment(variable: ConfigurationFile.environmentVariable(for: key)))
    }

    @Test("durations past a year, or with more digits than any integer holds, are refused naming the range", arguments: [
        "31536000.000000001", "31536001", "9223372036854775807", "99999999999999999999999", "1e300", "inf", "nan", "-1",
    ])
    func durationOutOfRange(_ text: String) {
        let error = #expect(throws: ConfigurationError.self) { try Self.value(text, key: "heartbeat-timeout").duration() }
        #expect(error?.message.contains("OFFLOAD_HEARTBEAT_TIMEOUT") == true)
        #expect(error?.message.contains("from 0 to 31536000") == true, "\(error?.message ?? "")")
        #expect(error?.isUsageError == false)
    }

    @Test("a year exactly is accepted")
    func aYear() throws {
        #expect(try Self.value("31536000", key: "graceful-timeout").duration() == .seconds(31_536_000))
    }

    @Test("duration flags: nan, inf, negative and huge numbers are usage errors naming the flag and the range", arguments: [
        Double.nan, .infinity, -.infinity, -1, 1e300, 31_536_000.5,
    ])
    func durationFlagOutOfRange(_ flag: Double) {
        let error = #expect(throws: ConfigurationError.self) { try SupervisorSettings.duration(flag: flag, key: "graceful-timeout") }
        #expect(error?.message.contains("--graceful-timeout") == true)
        #expect(error?.message.contains("from 0 to 31536000") == true)
        #expect(error?.isUsageError == true)
    }

    @Test("integers above their maximum are refused naming the range, even those too long for Int")
    func integerOutOfRange() {
        for text in ["1001", "9223372036854775808", "1e30"] {
            let error = #expect(throws: ConfigurationError.self) { try Self.value(text, key: "concurrency").integer(minimum: 1, maximum: 1000) }
            #expect(error?.message.contains("from 1 to 1000") == true)
        }
        #expect(throws: ConfigurationError.self) { try WorkerCounts(parsing: "email=1001", source: .commandLine(flag: "--workers")) }
        let error = #expect(throws: ConfigurationError.self) { try WorkerCounts(parsing: "1e30", source: .commandLine(flag: "--workers")) }
        #expect(error?.isUsageError == true, "a flag at fault is a usage error (64)")
    }
}
