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

    /// Flags a worker must refuse with 64, and what its last line must name.
    static let badFlags: [(arguments: [String], mentions: [String])] = [
        // Unbounded durations: converting them would trap.
        (["--graceful-timeout", "inf"], ["--graceful-timeout"]),
        (["--graceful-timeout", "1e300"], ["--graceful-timeout"]),
        (["--graceful-timeout", "nan"], ["--graceful-timeout"]),
        // A heartbeat of (almost) zero would spin.
        (["--heartbeat-interval", "0.0000001"], ["--heartbeat-interval"]),
        // A misspelt level names the ones it could be, rather than being taken as info.
        (["--log-level", "verbose"], ["--log-level", "debug, info"]),
        (["--trim-memory-after", "-1"], ["--trim-memory-after"]),
        (["--trim-memory-after", "inf"], ["--trim-memory-after"]),
        (["--trim-memory-after", "nan"], ["--trim-memory-after"]),
        (["--prefetch-budget", "-0.5"], ["--prefetch-budget"]),
        (["--prefetch-budget", "1e300"], ["--prefetch-budget"]),
    ]

    @Test("an absurd or misspelt flag value is refused with 64, and the last line names the flag", arguments: badFlags)
    func badFlagValueIsUsageError(arguments: [String], mentions: [String]) async throws {
        let (status, lines) = try await runWorker(arguments)
        #expect(status == .exited(WorkerExitCode.usage), "\(lines)")
        let last = try #require(lines.last)
        for mention in mentions {
            #expect(last.contains(mention), "\(lines)")
        }
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
