import Foundation
import OffloadProcessTesting
import OffloadTesting
import Testing

/// `--watch PATH`: development mode's extra paths, on the command line as OFFLOAD_WATCH is in the environment.
@Suite("The --watch flag")
struct WatchFlagTests {
    @Test("--watch without development mode stops the start with exit 64, and --help says which setting wins")
    func watchNeedsDevelopmentMode() async throws {
        let directory = TemporaryDirectory("offload-watch-flag")
        let run = try await SupervisorRun.run(
            ["--worker", "/bin/true", "--watch", "Config,Resources", "--database", directory.file("tasks.sqlite3"),
             "--control-socket", directory.file("control.sock")],
            workingDirectory: directory.path)
        #expect(run.status == .exited(64), "\(run)")
        #expect(run.output.contains("--watch needs development mode"), "\(run)")

        let help = try await SupervisorRun.run(["run", "--help"], workingDirectory: directory.path)
        #expect(help.output.contains("--watch") && help.output.contains("Replaces OFFLOAD_WATCH"), "\(help)")
    }
}
