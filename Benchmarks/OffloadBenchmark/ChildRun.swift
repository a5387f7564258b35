import Foundation
import OffloadSupervisor

/// Runs a helper program to its end (another benchmark binary, curl), with its output in a log file next
/// to the scratch databases, and says how it ended. Argument arrays only, never a shell string.
enum ChildRun {
    /// Runs `executable` and returns its standard output's lines; throws, with the end of its log, when it
    /// does not exit 0 within `timeout`.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], log: String, environment: [String: String]? = nil,
                    timeout: Duration = .seconds(1_800)) async throws -> [String] {
        let descriptor = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw BenchmarkFailure("cannot create \(log): \(String(cString: strerror(errno)))") }
        let process: ChildProcess
        do {
            process = try await ChildProcess.spawn(SpawnRequest(
                executable: executable, arguments: arguments,
                environment: environment ?? ProcessInfo.processInfo.environment,
                output: .descriptors(standardOutput: descriptor, standardError: descriptor)))
            close(descriptor)
        } catch {
            close(descriptor)
            throw error
        }
        guard let status = await process.waitForExit(timeout: timeout) else {
            await process.terminate(gracePeriod: .seconds(5))
            throw BenchmarkFailure("\(executable) did not finish within \(timeout); its log:\n\(tail(of: log))")
        }
        guard status == .exited(0) else {
            throw BenchmarkFailure("\(executable) \(arguments.joined(separator: " ")) ended with \(status); its log:\n\(tail(of: log))")
        }
        return (try? String(contentsOfFile: log, encoding: .utf8))?.split(separator: "\n").map(String.init) ?? []
    }

    /// The last lines of a log, to explain a failure.
    static func tail(of log: String, lines: Int = 30) -> String {
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? "(no log)"
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }
}
