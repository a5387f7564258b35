import Foundation
import OffloadSupervisor
import OffloadTesting

/// The repository's `supervisor`, started in the new user's package as docs/getting-started.md says: in
/// development mode, naming no queue and no worker product. Only where the files go (database, control socket)
/// and test-friendly timings are added.
struct DevelopmentSupervisor: Sendable {
    let process: ChildProcess
    private let output: LineCollector

    static func start(in package: String, database: String, controlSocket: String) async throws -> DevelopmentSupervisor {
        var environment = ProcessInfo.processInfo.environment
        environment["NOTIFY_SOCKET"] = nil
        var request = SpawnRequest(
            executable: BuiltProducts.path(of: "supervisor"),
            arguments: [
                "--queue-name", "*",
                "--database", database, "--control-socket", controlSocket,
                "--heartbeat-interval", "0.2", "--heartbeat-timeout", "3", "--graceful-timeout", "10", "--log-color", "never",
            ],
            environment: environment, workingDirectory: package, output: .pipe)
        request.leadsProcessGroup = true
        let process = try await ChildProcess.spawn(request)
        let output = LineCollector()
        for stream in [process.standardOutputLines, process.standardErrorLines] {
            // Detached: the log is collected for the supervisor's whole life, beyond any one scope of the test.
            Task.detached { for await line in stream { output.append(line) } }
        }
        return DevelopmentSupervisor(process: process, output: output)
    }

    var log: [String] { output.lines }

    func count(_ text: String) -> Int { log.filter { $0.contains(text) }.count }

    /// Waits for `condition`, printing the supervisor's last lines if it never comes true or the supervisor exits.
    func waitUntil(_ what: String, timeout: Duration, _ condition: () async throws -> Bool) async throws {
        do {
            try await OffloadTesting.waitUntil(what, timeout: timeout, interval: .milliseconds(100)) {
                if let status = process.exitStatus { throw SupervisorExited(status: status, waitingFor: what) }
                return try await condition()
            }
        } catch {
            print("\(error); the supervisor's log:\n" + log.suffix(80).joined(separator: "\n"))
            throw error
        }
    }

    /// SIGTERM, as a user's Ctrl-C, then SIGKILL if it is still there after a minute.
    @discardableResult
    func stop() async -> ExitStatus {
        _ = process.send(SIGTERM)
        if let status = await process.waitForExit(timeout: .seconds(60)) { return status }
        _ = process.send(SIGKILL)
        return await process.waitForExit()
    }
}

/// The supervisor ended while the test waited for something it should have done.
struct SupervisorExited: Error, CustomStringConvertible {
    let status: ExitStatus
    let waitingFor: String

    var description: String { "the supervisor exited (\(status)) while waiting for \(waitingFor)" }
}
