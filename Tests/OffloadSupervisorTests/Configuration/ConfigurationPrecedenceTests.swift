import OffloadSupervisor
import Testing

@Suite("Configuration precedence")
struct ConfigurationPrecedenceTests {
    static let file = try! ConfigurationFile(parsing: "# test\ngraceful-timeout = 30\nworkers = default=2\n", path: "offload.conf")

    @Test("each key's environment variable is OFFLOAD_ + the key uppercased, dashes as underscores")
    func environmentVariableNames() {
        #expect(ConfigurationFile.environmentVariable(for: "graceful-timeout") == "OFFLOAD_GRACEFUL_TIMEOUT")
        #expect(ConfigurationFile.environmentVariable(for: "database") == "OFFLOAD_DATABASE")
        #expect(ConfigurationFile.environmentVariable(for: "max-tasks-per-worker") == "OFFLOAD_MAX_TASKS_PER_WORKER")
    }

    @Test("the environment overrides the file")
    func environmentOverridesFile() throws {
        let found = try #require(Self.file.value(for: "graceful-timeout", environment: ["OFFLOAD_GRACEFUL_TIMEOUT": "10"]))

        #expect(found.0 == "10")
        #expect(found.source == .environment(variable: "OFFLOAD_GRACEFUL_TIMEOUT"))
        #expect(try Self.file.duration(for: "graceful-timeout", environment: ["OFFLOAD_GRACEFUL_TIMEOUT": "10"]) == .seconds(10))
    }

    @Test("the file applies when the environment does not set the key, or sets it empty", arguments: [[:], ["OFFLOAD_GRACEFUL_TIMEOUT": ""]])
    func fileAppliesWithoutEnvironment(environment: [String: String]) throws {
        let found = try #require(Self.file.value(for: "graceful-timeout", environment: environment))

        #expect(found.0 == "30")
        #expect(found.source == .file(path: "offload.conf", line: 2))
    }

    @Test("a key set nowhere is nil, leaving the built-in default to the caller")
    func unsetKeyIsNil() throws {
        #expect(Self.file.value(for: "concurrency", environment: [:]) == nil)
        #expect(try Self.file.integer(for: "concurrency", environment: [:], minimum: 1) == nil)
        #expect(ConfigurationFile.empty().value(for: "database", environment: ["OFFLOAD_DATABASE": "/tmp/x.sqlite3"])?.0 == "/tmp/x.sqlite3")
    }

    @Test("a command-line flag wins over environment and file, with the same parsing")
    func flagWinsOverEverything() throws {
        let environment = ["OFFLOAD_WORKERS": "email=4"]
        let flag: String? = "email=6"

        let counts = try flag.map { try ConfigurationValue($0, key: "workers", source: .commandLine(flag: "--workers")).workerCounts() }
            ?? Self.file.workerCounts(for: "workers", environment: environment)

        #expect(counts == .perQueue(["email": 6]))
        #expect(try Self.file.workerCounts(for: "workers", environment: environment) == .perQueue(["email": 4]))
        #expect(try Self.file.workerCounts(for: "workers", environment: [:]) == .perQueue(["default": 2]))
    }

    @Test("a bad value from the environment names the variable, not the file")
    func badEnvironmentValueNamesTheVariable() {
        let error = #expect(throws: ConfigurationError.self) {
            try Self.file.duration(for: "graceful-timeout", environment: ["OFFLOAD_GRACEFUL_TIMEOUT": "ten"])
        }

        #expect(error?.code == .invalidValue)
        #expect(error?.line == nil)
        #expect(error?.message == "Invalid value \"ten\" for graceful-timeout (from environment variable OFFLOAD_GRACEFUL_TIMEOUT): expected a number of seconds from 0 to 31536000 (a year), such as 30 or 0.5, without a unit.")
    }

    @Test("a bad value from the file names the file and line")
    func badFileValueNamesTheLine() throws {
        let file = try ConfigurationFile(parsing: "\nheartbeat-interval = 1s", path: "/etc/offload/offload.conf")

        let error = #expect(throws: ConfigurationError.self) { try file.duration(for: "heartbeat-interval", environment: [:]) }

        #expect(error?.line == 2)
        #expect(error?.path == "/etc/offload/offload.conf")
        #expect(error?.message.contains("(from /etc/offload/offload.conf:2)") == true)
    }

    @Test("OFFLOAD_ variables that match no key are reported, so typos can be logged")
    func unrecognizedEnvironmentVariables() {
        let environment = [
            "OFFLOAD_GRACEFULL_TIMEOUT": "5", "OFFLOAD_WORKERS": "3", "HOME": "/root", "OFFLOAD_STATUS_FD": "3",
            "OFFLOAD_CONFIG": "/etc/offload/offload.conf", "OFFLOAD_DATABASE_PASSWORD_FILE": "/run/credentials/db", "OFFLOAD_TEST_RUN_LOG": "/tmp/runs",
        ]

        #expect(ConfigurationFile.unrecognizedEnvironmentVariables(in: environment) == ["OFFLOAD_GRACEFULL_TIMEOUT"])
    }
}
