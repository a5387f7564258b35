import OffloadSupervisor
import OffloadWorker
import Testing

/// `trim-memory-after`: the idle time after which the supervisor and each worker hand their start-up code
/// back to the kernel (docs/performance.md, "Idle memory"); 0 turns it off, for the workers too.
@Suite("Configuration: the trim-memory-after key")
struct TrimMemoryKeyTests {
    static func settings(_ text: String, flag: Double? = nil, environment: [String: String] = [:]) throws -> SupervisorSettings {
        var flags = SupervisorFlags()
        flags.worker = "/bin/true"
        flags.trimMemoryAfter = flag
        let file = try ConfigurationFile(parsing: text, path: "/etc/offload/offload.conf")
        return try SupervisorSettings.resolve(flags: flags, file: file, environment: environment, workingDirectory: "/")
    }

    @Test("unset, the trim comes after 10 s idle; the file, the environment and the flag set it, in that order of precedence")
    func precedence() throws {
        #expect(try Self.settings("# none\n").configuration.startUpMemoryTrimDelay == .seconds(10))
        #expect(try Self.settings("trim-memory-after = 30\n").configuration.startUpMemoryTrimDelay == .seconds(30))
        #expect(try Self.settings("trim-memory-after = 30\n", environment: ["OFFLOAD_TRIM_MEMORY_AFTER": "20"]).configuration.startUpMemoryTrimDelay == .seconds(20))
        #expect(try Self.settings("trim-memory-after = 30\n", flag: 2.5, environment: ["OFFLOAD_TRIM_MEMORY_AFTER": "20"]).configuration.startUpMemoryTrimDelay == .milliseconds(2500))
    }

    @Test("0 turns the trim off, and the workers are told so with --trim-memory-after 0")
    func zeroTurnsItOff() throws {
        let configuration = try Self.settings("trim-memory-after = 0\n").configuration
        #expect(configuration.startUpMemoryTrimDelay == nil)
    }

    @Test("a negative or non-numeric value names its source and stops the start")
    func badValueIsAConfigurationError() throws {
        let fromFile = #expect(throws: ConfigurationError.self) { try Self.settings("\ntrim-memory-after = soon\n") }
        #expect(fromFile?.line == 2)
        #expect(fromFile?.message.contains("trim-memory-after") == true, "\(String(describing: fromFile))")
        let fromFlag = #expect(throws: ConfigurationError.self) { try Self.settings("", flag: -1) }
        #expect(fromFlag?.message.contains("--trim-memory-after") == true, "\(String(describing: fromFlag))")
    }

    @Test("OFFLOAD_TRIM_MEMORY_AFTER is a key's variable, so it is not reported as unrecognised")
    func variableIsKnown() {
        #expect(ConfigurationFile.unrecognizedEnvironmentVariables(in: ["OFFLOAD_TRIM_MEMORY_AFTER": "5"]).isEmpty)
    }
}
