import Foundation
import Offload
import OffloadProcessTesting
import OffloadSupervisor
import OffloadTesting
import Testing

/// A bad setting, where it comes from, and what the supervisor must answer.
struct BadSetting: Sendable, CustomTestStringConvertible {
    var arguments: [String]
    var environment: [String: String] = [:]
    /// The configuration file's text, if the case needs one (passed with --config).
    var file: String?
    var exitCode: Int32
    /// Text the message must contain: the setting's name, and its allowed range where there is one.
    var mentions: [String]

    var testDescription: String {
        (arguments + environment.map { "\($0.key)=\($0.value)" } + (file.map { ["file: \($0)"] } ?? [])).joined(separator: " ")
    }
}

@Suite("Faults: typos and absurd numbers in the configuration stop the supervisor with a non-zero status")
struct ConfigurationExitTests {
    static let usage: Int32 = 64
    static let configuration: Int32 = 78
    static let worker = ["--worker", BuiltProducts.path(of: "TestWorker")]

    static let cases: [BadSetting] = [
        BadSetting(arguments: worker + ["--graceful-timeout", "nan"], exitCode: usage, mentions: ["--graceful-timeout", "0 to 31536000"]),
        BadSetting(arguments: worker + ["--heartbeat-timeout", "1e300"], exitCode: usage, mentions: ["--heartbeat-timeout", "0 to 31536000"]),
        BadSetting(arguments: worker + ["--timeout-grace", "inf"], exitCode: usage, mentions: ["--timeout-grace", "0 to 31536000"]),
        BadSetting(arguments: worker + ["--graceful-timeout=-1"], exitCode: usage, mentions: ["--graceful-timeout", "0 to 31536000"]),
        BadSetting(arguments: worker + ["--workers", "1e30"], exitCode: usage, mentions: ["--workers", "0 to 1000"]),
        BadSetting(arguments: worker + ["--workers", "default=99999999999999999999"], exitCode: usage, mentions: ["--workers", "0 to 1000"]),
        BadSetting(arguments: worker + ["--max-worker-memory", "9223372036854775807"], exitCode: usage, mentions: ["--max-worker-memory", "0 to 16777216"]),
        BadSetting(arguments: worker + ["--queues", "default,,email"], exitCode: usage, mentions: ["--queues"]),
        BadSetting(arguments: worker, environment: ["OFFLOAD_HEARTBEAT_TIMEOUT": "1e300"], exitCode: configuration, mentions: ["OFFLOAD_HEARTBEAT_TIMEOUT", "0 to 31536000"]),
        BadSetting(arguments: worker, environment: ["OFFLOAD_GRACEFUL_TIMEOUT": "9223372036854775807"], exitCode: configuration, mentions: ["OFFLOAD_GRACEFUL_TIMEOUT", "0 to 31536000"]),
        BadSetting(arguments: worker, environment: ["OFFLOAD_WORKERS": "1e30"], exitCode: configuration, mentions: ["OFFLOAD_WORKERS", "0 to 1000"]),
        BadSetting(arguments: worker, environment: ["OFFLOAD_CONCURRENCY": "100000"], exitCode: configuration, mentions: ["OFFLOAD_CONCURRENCY", "1 to 1000"]),
        BadSetting(arguments: worker, file: "restart-backoff-max = 99999999999999\n", exitCode: configuration, mentions: ["offload.conf:1", "restart-backoff-max", "0 to 31536000"]),
        BadSetting(arguments: worker, file: "heartbeat-timout = 10\n", exitCode: configuration, mentions: ["offload.conf:1", "did you mean \"heartbeat-timeout\""]),
        BadSetting(arguments: worker + ["--config", "/nonexistent/offload.conf"], exitCode: configuration, mentions: ["/nonexistent/offload.conf"]),
        BadSetting(arguments: [], exitCode: configuration, mentions: ["No worker executable"]),
        BadSetting(arguments: ["--worker", "/nonexistent/worker"], exitCode: configuration, mentions: ["/nonexistent/worker"]),
        BadSetting(arguments: worker + ["--frobnicate"], exitCode: usage, mentions: ["--frobnicate"]),
        BadSetting(arguments: worker + ["--log-level", "verbose"], exitCode: usage, mentions: ["--log-level", "debug, info"]),
        BadSetting(arguments: worker + ["--trim-memory-after", "nan"], exitCode: usage, mentions: ["--trim-memory-after", "0 to 31536000"]),
        BadSetting(arguments: worker, environment: ["OFFLOAD_TRIM_MEMORY_AFTER": "-5"], exitCode: configuration, mentions: ["OFFLOAD_TRIM_MEMORY_AFTER", "0 to 31536000"]),
        BadSetting(arguments: ["ctl", "frobnicate"], exitCode: usage, mentions: ["frobnicate"]),
        BadSetting(arguments: ["ctl", "scale", "email=1e30"], exitCode: usage, mentions: ["email=1e30"]),
        BadSetting(arguments: ["ctl", "status", "--config", "/nonexistent/offload.conf"], exitCode: configuration, mentions: ["/nonexistent/offload.conf"]),
        BadSetting(arguments: ["ctl", "status"], file: "control-sockett = /run/x.sock\n", exitCode: configuration, mentions: ["offload.conf:1", "control-sockett"]),
    ]

    @Test("each bad setting is refused with a message naming it and its allowed range; 64 for flags, 78 for the environment and files", arguments: cases)
    func badSettingIsRefused(_ setting: BadSetting) async throws {
        let directory = TemporaryDirectory("offload-config")
        var arguments = setting.arguments
        if let text = setting.file {
            let path = directory.file("offload.conf")
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            arguments += ["--config", path]
        }
        let isControl = arguments.first == "ctl"
        if !isControl {
            arguments += ["--database", directory.file("tasks.sqlite3"), "--no-reload"]
        }
        let run = try await SupervisorRun.run(arguments, environment: setting.environment, workingDirectory: directory.path, timeout: .seconds(20))
        #expect(run.status == .exited(setting.exitCode), "\(run)")
        for mention in setting.mentions {
            #expect(run.output.contains(mention), "\(run)")
        }
        #expect(livePIDs(mentioning: directory.path).isEmpty)
    }
}
