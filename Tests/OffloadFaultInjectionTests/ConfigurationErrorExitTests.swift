import Foundation
import OffloadProcessTesting
import OffloadTesting
import Testing

/// A setting no retry can fix stops `offload` and `supervisor` with 78 (EX_CONFIG) and one line saying what to
/// change, never 1 with a stack of context.
@Suite("Faults: a configuration error exits 78")
struct ConfigurationErrorExitTests {
    @Test("offload with an invalid OFFLOAD_DURABILITY exits 78, naming the variable and the allowed values, and creates nothing")
    func cliRefusesBadDurability() async throws {
        let directory = TemporaryDirectory("offload-cli-config")
        let database = directory.file("tasks.sqlite3")
        let run = try await OffloadCommandRun.result(
            of: ["enqueue", "test.echo", "--database", database], environment: ["OFFLOAD_DURABILITY": "fast", "OFFLOAD_WORKER": ""])
        #expect(run.exitStatus == 78, "\(run)")
        #expect(run.standardError.contains("OFFLOAD_DURABILITY") && run.standardError.contains("full") && run.standardError.contains("normal"), "\(run)")
        #expect(!FileManager.default.fileExists(atPath: database))
    }

    @Test("supervisor with an invalid OFFLOAD_DURABILITY exits 78 before starting a worker, naming the variable")
    func supervisorRefusesBadDurability() async throws {
        let directory = TemporaryDirectory("offload-supervisor-config")
        let run = try await SupervisorRun.run(
            ["--database", directory.file("tasks.sqlite3"), "--worker", "/bin/true", "--control-socket", directory.file("ctl.sock")],
            environment: ["OFFLOAD_DURABILITY": "fast"], workingDirectory: directory.path)
        #expect(run.status == .exited(78), "\(run)")
        #expect(run.output.contains("OFFLOAD_DURABILITY"), "\(run)")
    }

    @Test("offload given a postgres:// database exits 78 with the trait's one line without the PostgreSQL trait, and tries the server with it")
    func cliPostgresURLNeedsTheTrait() async throws {
        // Port 1 on the loopback: nothing listens, so a build with PostgreSQL fails to connect.
        let run = try await OffloadCommandRun.result(of: ["counts", "--database", "postgres://offload@127.0.0.1:1/offload"])
        let refusal = "this build has no PostgreSQL support"
        #if PostgreSQL
        #expect(run.exitStatus != 78 && run.exitStatus != 0, "\(run)")
        #expect(!run.standardError.contains(refusal), "\(run)")
        #else
        #expect(run.exitStatus == 78, "\(run)")
        #expect(run.standardError.contains(refusal) && run.standardError.split(separator: "\n").count == 1, "\(run)")
        #endif
    }
}
