import Foundation
import Offload
import OffloadSupervisor
import OffloadTesting
import OffloadWorker
import Testing

@Suite("A worker's own start-up errors: exit status and message", .serialized)
struct WorkerStartupErrorTests {
    @Test("an unknown flag exits 64, and the last line on stderr names the status and the flag")
    func unknownFlagExitsUsage() async throws {
        let (status, lines) = try await runWorker(["--no-such-flag"])
        #expect(status == .exited(WorkerExitCode.usage))
        let last = try #require(lines.last)
        #expect(last.contains("exiting with status 64 (usage error"), "\(lines)")
        #expect(last.contains("--no-such-flag"), "\(lines)")
    }

    @Test("an infinite or enormous graceful timeout is refused with 64, not a crash", arguments: ["inf", "1e300", "nan"])
    func unboundedTimeoutIsUsageError(value: String) async throws {
        let (status, lines) = try await runWorker(["--graceful-timeout", value])
        #expect(status == .exited(WorkerExitCode.usage), "\(lines)")
        #expect(lines.last?.contains("--graceful-timeout") == true, "\(lines)")
    }

    @Test("a heartbeat interval of (almost) zero is refused with 64: it would spin")
    func tinyHeartbeatIsUsageError() async throws {
        let (status, lines) = try await runWorker(["--heartbeat-interval", "0.0000001"])
        #expect(status == .exited(WorkerExitCode.usage), "\(lines)")
        #expect(lines.last?.contains("--heartbeat-interval") == true, "\(lines)")
    }

    @Test("a misspelt log level is refused with 64 and the levels it could be, not taken as info")
    func misspeltLogLevelIsUsageError() async throws {
        let (status, lines) = try await runWorker(["--log-level", "verbose"])
        #expect(status == .exited(WorkerExitCode.usage), "\(lines)")
        let last = try #require(lines.last)
        #expect(last.contains("--log-level"), "\(lines)")
        #expect(last.contains("debug, info"), "\(lines)")
    }

    @Test("a negative or infinite idle time before the memory trim is refused with 64", arguments: ["-1", "inf", "nan"])
    func invalidTrimDelayIsUsageError(value: String) async throws {
        let (status, lines) = try await runWorker(["--trim-memory-after", value])
        #expect(status == .exited(WorkerExitCode.usage), "\(lines)")
        #expect(lines.last?.contains("--trim-memory-after") == true, "\(lines)")
    }

    @Test("an invalid database URL exits 78 (configuration), and says what is wrong with it")
    func invalidDatabaseURLExitsConfiguration() async throws {
        let (status, lines) = try await runWorker(["--database", "postgres://offload@localhost:99999/app"])
        #expect(status == .exited(WorkerExitCode.configurationError), "\(lines)")
        let last = try #require(lines.last)
        #expect(last.contains("exiting with status 78 (configuration error)"), "\(lines)")
        #expect(last.contains("99999"), "\(lines)")
    }

    private func runWorker(_ arguments: [String]) async throws -> (OffloadSupervisor.ExitStatus, [String]) {
        let fixture = try WorkerFixture()
        let worker = try await fixture.startWorker(arguments)
        // A worker that accepted the arguments would run until stopped.
        let status = await worker.waitForExit(timeout: .seconds(20))
        worker.send(SIGKILL)
        let lines = await collectStandardError(worker).split(separator: "\n").map(String.init)
        return (try #require(status, "the worker accepted \(arguments) and kept running"), lines)
    }
}
