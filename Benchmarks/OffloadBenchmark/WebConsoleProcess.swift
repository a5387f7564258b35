import Foundation
import OffloadSupervisor

/// The real `offload-web` executable serving a scratch database on a free loopback port, as an operator
/// starts it (`offload-web --database FILE --port 0`); the port is the one it prints once it listens.
final class WebConsoleProcess: Sendable {
    let process: ChildProcess
    let port: Int

    var baseURL: String { "http://127.0.0.1:\(port)" }

    private init(process: ChildProcess, port: Int) {
        self.process = process
        self.port = port
    }

    static func start(executable: String, database: String, directory: String) async throws -> WebConsoleProcess {
        let process = try await ChildProcess.spawn(SpawnRequest(
            executable: executable,
            arguments: ["--database", database, "--host", "127.0.0.1", "--port", "0"],
            environment: ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("OFFLOAD_") },
            workingDirectory: directory,
            output: .pipe,
            outputBufferLimit: 200))
        // "offload-web: serving http://127.0.0.1:PORT/ over …", on whichever stream its log handler writes.
        let port = await withTaskGroup(of: Int?.self) { group in
            for lines in [process.standardOutputLines, process.standardErrorLines] {
                group.addTask {
                    for await line in lines {
                        if let port = Self.port(in: line) { return port }
                    }
                    return nil
                }
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(60))
                return nil
            }
            var found: Int?
            for await port in group {
                if let port {
                    found = port
                    break
                }
            }
            group.cancelAll()
            return found
        }
        guard let port else {
            await process.terminate(gracePeriod: .seconds(5))
            throw BenchmarkFailure("offload-web did not say which port it serves within 60 s (exit status \(process.exitStatus.map { "\($0)" } ?? "none"))")
        }
        return WebConsoleProcess(process: process, port: port)
    }

    /// The port in a "serving http://127.0.0.1:PORT/" line.
    static func port(in line: String) -> Int? {
        guard let range = line.range(of: "serving http://127.0.0.1:") else { return nil }
        return Int(line[range.upperBound...].prefix { $0.isNumber })
    }

    func stop() async {
        _ = await process.terminate(gracePeriod: .seconds(10))
    }
}
