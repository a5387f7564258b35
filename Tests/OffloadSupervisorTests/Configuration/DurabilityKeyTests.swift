import OffloadSupervisor
import Testing

/// `durability` in the configuration file: the workers' SQLite commit durability, handed to them as the
/// `OFFLOAD_DURABILITY` variable they read; a bad value stops the start (78) before any worker runs.
@Suite("Configuration: the durability key")
struct DurabilityKeyTests {
    static func settings(_ text: String, environment: [String: String] = [:]) throws -> SupervisorSettings {
        var flags = SupervisorFlags()
        flags.worker = "/bin/true"
        let file = try ConfigurationFile(parsing: text, path: "/etc/offload/offload.conf")
        return try SupervisorSettings.resolve(flags: flags, file: file, environment: environment, workingDirectory: "/")
    }

    @Test("durability = normal in the file reaches the workers as OFFLOAD_DURABILITY=normal; unset, nothing is handed down")
    func fileValueIsHandedToWorkers() throws {
        #expect(try Self.settings("durability = normal\n").configuration.workerEnvironment["OFFLOAD_DURABILITY"] == "normal")
        #expect(try Self.settings("durability = FULL\n").configuration.workerEnvironment["OFFLOAD_DURABILITY"] == "full")
        #expect(try Self.settings("# none\n").configuration.workerEnvironment["OFFLOAD_DURABILITY"] == nil)
    }

    @Test("a bad durability names the file's line and the allowed values; from the environment, the variable")
    func badValueIsAConfigurationError() throws {
        let fromFile = #expect(throws: ConfigurationError.self) { try Self.settings("\ndurability = fast\n") }
        #expect(fromFile?.code == .invalidValue)
        #expect(fromFile?.line == 2)
        #expect(fromFile?.message.contains("full") == true && fromFile?.message.contains("normal") == true, "\(String(describing: fromFile))")

        let fromEnvironment = #expect(throws: ConfigurationError.self) {
            try Self.settings("durability = normal\n", environment: ["OFFLOAD_DURABILITY": "fast"])
        }
        #expect(fromEnvironment?.message.contains("OFFLOAD_DURABILITY") == true, "\(String(describing: fromEnvironment))")
    }

    @Test("OFFLOAD_DURABILITY is a key's variable now, so it is not reported as unrecognised")
    func variableIsKnown() {
        #expect(ConfigurationFile.unrecognizedEnvironmentVariables(in: ["OFFLOAD_DURABILITY": "normal"]).isEmpty)
    }
}
