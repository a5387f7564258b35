import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Offload
import OffloadStores
import OffloadWeb

/// `offload-web` (and `offload web`): the console over a `--database`, on 127.0.0.1:8089 by default.
@main
struct WebServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "offload-web",
        abstract: "Serve Offload's web console and JSON API (docs/console.md).")

    @Option(name: .long, help: "The task database: a SQLite file, or a postgres:// URL. Default: $OFFLOAD_DATABASE or offload.sqlite3.")
    var database: String?

    @Option(name: .long, help: "The address to listen on. Anything but loopback needs --auth-token-file.")
    var host = "127.0.0.1"

    @Option(name: .long, help: "The port to listen on (0: any free port, printed at start).")
    var port = 8089

    @Option(name: .long, help: "A file holding the token every request must present (owner-only, not a symlink).")
    var authTokenFile: String?

    @Flag(name: .long, help: "No actions: action routes answer 403 and the pages show no buttons.")
    var readOnly = false

    /// EX_CONFIG from sysexits.h.
    static let configurationError: Int32 = 78

    func run() async throws {
        let logger = {
            var logger = Logger(label: "offload.web")
            logger.logLevel = .info
            return logger
        }()
        let token: String?
        do {
            token = try authTokenFile.map(WebServerSecurity.readToken(at:))
            try WebServerSecurity.checkBinding(host: host, hasToken: token != nil)
        } catch let error as WebServerSecurity.Refusal {
            FileHandle.standardError.write(Data("offload-web: \(error.message)\n".utf8))
            throw ExitCode(Self.configurationError)
        }
        guard (0...65535).contains(port) else {
            FileHandle.standardError.write(Data("offload-web: --port \(port) is not a port (0-65535)\n".utf8))
            throw ExitCode(64)
        }
        let path = database ?? ProcessInfo.processInfo.environment["OFFLOAD_DATABASE"] ?? "offload.sqlite3"
        let store = try await TaskStoreLocation.open(path)

        let console = OffloadConsole(store: store, configuration: ConsoleConfiguration(readOnly: readOnly, logger: logger))
        let router = Router()
        // Headers on everything, the 404s of unknown paths and the login form included.
        router.add(middleware: SecurityHeadersMiddleware())
        if let token { router.add(middleware: TokenAuthMiddleware(token: token)) }
        console.addRoutes(to: router.group())
        let host = self.host, readOnly = self.readOnly, redacted = TaskStoreLocation.redacted(path)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in
                let bound = channel.localAddress?.port ?? 0
                logger.notice("offload-web: serving http://\(host):\(bound)/ over \(redacted)\(token == nil ? "" : " (token required)")\(readOnly ? " (read-only)" : "")")
            },
            logger: logger)
        try await app.runService()
    }
}

/// The checks that keep a console from being exposed by mistake.
enum WebServerSecurity {
    struct Refusal: Error { var message: String }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }

    static func checkBinding(host: String, hasToken: Bool) throws {
        if !isLoopback(host) && !hasToken {
            throw Refusal(message: "refusing to listen on \(host) without --auth-token-file: anyone who can reach that address could read and change your tasks. Give a token file (chmod 600), or keep the default 127.0.0.1.")
        }
    }

    /// The token, read from a regular, owner-only file that is not a symlink; never printed.
    static func readToken(at path: String) throws -> String {
        var info = stat()
        guard lstat(path, &info) == 0 else { throw Refusal(message: "cannot read --auth-token-file \(path): \(String(cString: strerror(errno)))") }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw Refusal(message: "--auth-token-file \(path) is not a regular file (symlinks are not followed)") }
        guard info.st_mode & 0o077 == 0 else {
            throw Refusal(message: "--auth-token-file \(path) can be read by others (mode \(String(info.st_mode & 0o777, radix: 8))): chmod 600 it")
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw Refusal(message: "cannot read --auth-token-file \(path) as UTF-8 text")
        }
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard token.count >= 16 else { throw Refusal(message: "the token in --auth-token-file \(path) is shorter than 16 characters") }
        return token
    }
}
