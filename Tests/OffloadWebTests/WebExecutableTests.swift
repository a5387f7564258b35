import Foundation
import OffloadTesting
import Testing

/// The real `offload-web` and `offload web`, as an operator starts them.
@Suite("The offload-web executable")
struct WebExecutableTests {
    @Test("listening beyond loopback without a token file refuses to start with exit 78 and says why")
    func refusesExposedBindWithoutToken() async throws {
        let directory = TemporaryDirectory("offload-web-exe")
        let run = try await ProcessRun.run(BuiltProducts.path(of: "offload-web"), ["--host", "0.0.0.0", "--database", directory.file("t.sqlite3")])
        #expect(run.status == 78, "\(run)")
        #expect(run.standardError.contains("without --auth-token-file"), "\(run)")
        #expect(!FileManager.default.fileExists(atPath: directory.file("t.sqlite3")), "nothing was opened")
    }

    @Test("a token file others can read is refused with exit 78, and the token is never printed")
    func refusesReadableTokenFile() async throws {
        let directory = TemporaryDirectory("offload-web-exe")
        let tokenFile = directory.file("token")
        let token = "secret-token-0123456789"
        _ = FileManager.default.createFile(atPath: tokenFile, contents: Data(token.utf8), attributes: [.posixPermissions: 0o644])
        let run = try await ProcessRun.run(BuiltProducts.path(of: "offload-web"), ["--host", "0.0.0.0", "--auth-token-file", tokenFile, "--database", directory.file("t.sqlite3")])
        #expect(run.status == 78, "\(run)")
        #expect(run.standardError.contains("chmod 600"), "\(run)")
        #expect(!run.standardError.contains(token))
    }

    @Test("offload web runs offload-web with the same arguments")
    func offloadWebExecsTheServer() async throws {
        let run = try await ProcessRun.run(BuiltProducts.path(of: "offload"), ["web", "--host", "10.1.2.3"])
        #expect(run.status == 78, "\(run)")
        #expect(run.standardError.contains("refusing to listen on 10.1.2.3"), "\(run)")
    }

    @Test("offload web without offload-web beside it says how to build it and exits 69")
    func offloadWebWithoutServer() async throws {
        let directory = TemporaryDirectory("offload-web-missing")
        let copy = directory.file("offload")
        try FileManager.default.copyItem(atPath: BuiltProducts.path(of: "offload"), toPath: copy)
        let run = try await ProcessRun.run(copy, ["web"])
        #expect(run.status == 69, "\(run)")
        #expect(run.standardError.contains("swift build --product offload-web"), "\(run)")
    }
}

/// A child process run to its end without blocking a cooperative thread: output goes to files, the exit is polled.
struct ProcessRun: CustomStringConvertible {
    var status: Int32
    var standardError: String

    static func run(_ executable: String, _ arguments: [String]) async throws -> ProcessRun {
        let directory = TemporaryDirectory("offload-web-run")
        let errorPath = directory.file("stderr")
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
        try process.run()
        try await waitUntil("\(executable) exits", timeout: .seconds(120), interval: .milliseconds(50)) { !process.isRunning }
        return ProcessRun(status: process.terminationStatus, standardError: (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? "")
    }

    var description: String { "exit \(status): \(standardError)" }
}
