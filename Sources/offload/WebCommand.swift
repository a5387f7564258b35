import ArgumentParser
import Foundation

/// `offload web …`: runs `offload-web`, found next to this binary, with the same arguments (exec, no shell).
/// The console lives in its own executable so that `offload` never links an HTTP server.
struct WebCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "web",
        abstract: "Serve the web console and JSON API (runs offload-web; see docs/console.md).")

    @Argument(parsing: .captureForPassthrough, help: "Arguments for offload-web (--database, --host, --port, --auth-token-file, --read-only).")
    var arguments: [String] = []

    /// EX_UNAVAILABLE from sysexits.h: a needed program is missing.
    static let unavailable: Int32 = 69

    func run() throws {
        let executable = URL(fileURLWithPath: Self.ownPath()).deletingLastPathComponent().appendingPathComponent("offload-web").path
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            StandardErrorLine.write("Error: offload-web is not next to offload (looked for \(executable)). Build it with `swift build --product offload-web` (or `swift build`), then run `offload web` again.")
            throw ExitCode(Self.unavailable)
        }
        let argv = [executable] + arguments
        var cArguments = argv.map { strdup($0) }
        cArguments.append(nil)
        execv(executable, cArguments)
        StandardErrorLine.write("Error: could not run \(executable): \(String(cString: strerror(errno)))")
        throw ExitCode(Self.unavailable)
    }

    /// This executable's own path, as the kernel knows it (not argv[0], which a caller chooses).
    static func ownPath() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}
