import ArgumentParser
import Foundation
import OffloadSupervisor

/// `supervisor ctl status` / `supervisor ctl scale email=6`: talk to a running supervisor.
struct ControlCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ctl",
        abstract: "Ask a running supervisor for its status, or scale a queue.",
        discussion: "Examples: supervisor ctl status; supervisor ctl scale email=6 default=2")

    @Argument(help: "status, or scale QUEUE=COUNT…")
    var command: String

    @Argument(help: "For scale: QUEUE=COUNT pairs.")
    var counts: [String] = []

    @Option(name: .long, help: "The control socket (default: $OFFLOAD_CONTROL_SOCKET, or offload-supervisor.sock next to the database).")
    var controlSocket: String?

    @Option(name: .long, help: "The task database, to find the default control socket.")
    var database: String?

    @Option(name: .long, help: "The supervisor's configuration file, to find its control socket (default: $OFFLOAD_CONFIG).")
    var config: String?

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let file = try (config ?? environment["OFFLOAD_CONFIG"]).map { try ConfigurationFile(contentsOf: $0) } ?? .empty()
        let databasePath = database ?? file.string(for: "database", environment: environment) ?? "offload.sqlite3"
        let socket = controlSocket ?? file.string(for: "control-socket", environment: environment)
            ?? SupervisorSettings.defaultControlSocket(database: databasePath, environment: environment, workingDirectory: FileManager.default.currentDirectoryPath)
        let request: ControlRequest
        switch command {
        case "status":
            request = .status
        case "scale":
            var parsed: [String: Int] = [:]
            for pair in counts {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, let count = Int(parts[1]), count >= 0 else {
                    throw ValidationError("\"\(pair)\" is not QUEUE=COUNT with a count of 0 or more.")
                }
                parsed[String(parts[0])] = count
            }
            guard !parsed.isEmpty else { throw ValidationError("scale needs at least one QUEUE=COUNT.") }
            request = .scale(parsed)
        default:
            throw ValidationError("Unknown command \"\(command)\": use status or scale.")
        }
        let response = try ControlClient.send(request, to: socket)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(response), as: UTF8.self))
        } else {
            print(response.message)
            if let status = response.status { print(StatusTable.render(status)) }
        }
        if !response.ok { throw ExitCode(1) }
    }
}

enum StatusTable {
    static func render(_ status: SupervisorStatus) -> String {
        func pad(_ text: String, _ width: Int) -> String { text.count >= width ? text : text + String(repeating: " ", count: width - text.count) }
        var lines = ["supervisor \(status.pid): \(status.phase)", ""]
        lines.append([pad("QUEUE", 14), pad("WORKERS", 9), "STATE"].joined(separator: " "))
        for queue in status.queues {
            lines.append([pad(queue.name, 14), pad("\(queue.running)/\(queue.target)", 9), queue.halted.map { "HALTED: \($0)" } ?? "ok"].joined(separator: " "))
        }
        lines.append("")
        lines.append([pad("WORKER", 12), pad("PID", 8), pad("STATE", 9), pad("TASKS", 14), pad("DONE", 7), "HEARTBEAT"].joined(separator: " "))
        for worker in status.workers {
            let label = worker.id.split(separator: "#").first.map(String.init) ?? worker.id
            let tasks = worker.currentTasks.isEmpty ? "-" : worker.currentTasks.map { "#\($0)" }.joined(separator: ",")
            lines.append([pad(label, 12), pad(String(worker.pid), 8), pad(worker.state, 9), pad(tasks, 14), pad(String(worker.tasksDone), 7), String(format: "%.1fs ago", worker.secondsSinceHeartbeat)].joined(separator: " "))
        }
        return lines.joined(separator: "\n")
    }
}
