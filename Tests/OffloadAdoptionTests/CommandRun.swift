import Foundation
import OffloadSupervisor
import Synchronization

/// A program run to its end, as the new user runs `swift build` or their app: its exit and every line it printed.
struct CommandRun: Sendable, CustomStringConvertible {
    let command: [String]
    let status: ExitStatus
    let output: [String]
    let seconds: Double

    /// Runs `arguments[0]` (looked up in `PATH` when it has no slash) in `directory`; SIGKILLs it after `timeout`.
    static func run(_ arguments: [String], in directory: String, environment extra: [String: String] = [:], timeout: Duration) async throws -> CommandRun {
        let started = ContinuousClock.now
        var environment = ProcessInfo.processInfo.environment
        environment.merge(extra) { $1 }
        let executable = arguments[0].contains("/") ? arguments[0] : try findInPath(arguments[0], environment["PATH"] ?? "")
        var request = SpawnRequest(executable: executable, arguments: Array(arguments.dropFirst()))
        request.environment = environment
        request.workingDirectory = directory
        request.output = .pipe
        request.leadsProcessGroup = true
        let process = try await ChildProcess.spawn(request)
        let lines = LineCollector()
        // Detached so that the pipes are drained while this task waits for the exit.
        let readers = [process.standardOutputLines, process.standardErrorLines].map { stream in
            Task.detached { for await line in stream { lines.append(line) } }
        }
        var status = await process.waitForExit(timeout: timeout)
        if status == nil {
            _ = process.send(SIGKILL)
            status = await process.waitForExit()
            lines.append("(killed after \(timeout))")
        }
        for reader in readers { await reader.value }
        return CommandRun(command: arguments, status: status!, output: lines.lines, seconds: Self.seconds(since: started))
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    var description: String {
        "\(command.joined(separator: " ")): \(status) after \(String(format: "%.1f", seconds)) s; last lines:\n"
            + output.suffix(40).joined(separator: "\n")
    }
}

/// The first executable named `name` in the `:`-separated `path`.
func findInPath(_ name: String, _ path: String) throws -> String {
    for directory in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(directory)/\(name)") {
        return "\(directory)/\(name)"
    }
    throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: name, NSLocalizedDescriptionKey: "\(name) is not in PATH (\(path))"])
}

/// Lines from a child's pipes, appended by reader tasks and read by the test.
final class LineCollector: Sendable {
    private let storage = Mutex<[String]>([])

    func append(_ line: String) { storage.withLock { $0.append(line) } }
    var lines: [String] { storage.withLock { $0 } }
}
