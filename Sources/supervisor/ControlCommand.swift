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
        signal(SIGPIPE, SIG_IGN)
        let environment = ProcessInfo.processInfo.environment
        let file = try configurationFile(environment: environment)
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
        let response: ControlResponse
        do {
            response = try ControlClient.send(request, to: socket)
        } catch {
            printError("supervisor ctl: \(error)")
            throw ExitCode(1)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(response), as: UTF8.self))
        } else {
            print(StatusTable.render(response))
        }
        if !response.ok { throw ExitCode(1) }
    }

    /// The supervisor's configuration file, to find its control socket; exits 78 if it is unusable.
    private func configurationFile(environment: [String: String]) throws -> ConfigurationFile {
        let choice: ConfigurationFileChoice
        do {
            choice = try ConfigurationFileChoice.locate(explicitPath: config, environment: environment, workingDirectory: FileManager.default.currentDirectoryPath)
        } catch {
            printError("supervisor ctl: \(error)")
            throw SupervisorExit.code(for: error)
        }
        if let warning = choice.warning { printError("supervisor ctl: \(warning)") }
        return choice.file
    }
}

/// Writes a line to stderr: errors stay out of the output a script may parse.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
