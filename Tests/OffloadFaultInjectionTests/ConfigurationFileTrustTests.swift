import Foundation
import Offload
import OffloadProcessTesting
import OffloadSupervisor
import OffloadTesting
import Testing

@Suite("Faults: a configuration file another user could have written")
struct ConfigurationFileTrustTests {
    /// A directory holding `./offload.conf` that names the test worker, with the given mode and owner.
    static func directoryWithConfiguration(mode: mode_t, owner: uid_t = 0) throws -> TemporaryDirectory {
        let directory = TemporaryDirectory("offload-conf")
        let path = directory.file("offload.conf")
        try "worker = \(BuiltProducts.path(of: "TestWorker"))\nreload = false\n".write(toFile: path, atomically: true, encoding: .utf8)
        chown(path, owner, owner)
        chmod(path, mode)
        return directory
    }

    @Test("./offload.conf that others may write, or that another user owns, is not loaded, and the log says why", arguments: [
        (mode_t(0o666), uid_t(0), "writable by other users"),
        (mode_t(0o620), uid_t(0), "writable by other users"),
        (mode_t(0o644), nobodyUID, "owned by uid 65534"),
    ])
    func untrustedWorkingDirectoryFileIsIgnored(_ mode: mode_t, _ owner: uid_t, _ reason: String) async throws {
        let directory = try Self.directoryWithConfiguration(mode: mode, owner: owner)
        // Without the file's `worker =` there is no worker to run: the start stops there.
        let run = try await SupervisorRun.run(["--database", directory.file("tasks.sqlite3")], workingDirectory: directory.path, timeout: .seconds(20))
        #expect(run.status == .exited(78), "\(run)")
        #expect(run.output.contains("ignoring \(URL(fileURLWithPath: directory.path).resolvingSymlinksInPath().path)/offload.conf"), "\(run)")
        #expect(run.output.contains(reason), "\(run)")
        #expect(run.output.contains("No worker executable"), "\(run)")
        #expect(livePIDs(mentioning: directory.path).isEmpty)
    }

    @Test("--config naming a file others may write is refused with 78")
    func untrustedExplicitFileIsRefused() async throws {
        let directory = try Self.directoryWithConfiguration(mode: 0o666)
        let run = try await SupervisorRun.run(
            ["--config", directory.file("offload.conf"), "--database", directory.file("tasks.sqlite3")], timeout: .seconds(20))
        #expect(run.status == .exited(78), "\(run)")
        #expect(run.output.contains("writable by other users"), "\(run)")
        #expect(livePIDs(mentioning: directory.path).isEmpty)
    }

    @Test("./offload.conf of this user, writable by nobody else, is loaded, and the log names it")
    func trustedWorkingDirectoryFileIsLoadedAndNamed() async throws {
        let directory = TemporaryDirectory("offload-supervisor")
        let path = directory.file("offload.conf")
        try "max-tasks-per-worker = 1000\n".write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o600)
        let supervisor = try await SupervisorProcess.start(directory: directory)
        try await supervisor.waitUntilReady()
        try await supervisor.waitForLog("configuration file: \(URL(fileURLWithPath: directory.path).resolvingSymlinksInPath().path)/offload.conf")
        #expect(await supervisor.stop() == .exited(0))
    }
}
