import Foundation
import OffloadProcessTesting
import OffloadSupervisor
import OffloadTesting
import Testing

/// The `PostgreSQL` package trait: without it `supervisor` has no PostgreSQL code, and a `postgres://`
/// database must be refused at once (exit 78, one line saying how to turn it on), never opened as a file.
@Suite("PostgreSQL trait")
struct PostgresTraitTests {
    @Test("a postgres:// database is refused with exit 78 without the PostgreSQL trait, and tried as a server with it")
    func postgresURLNeedsTheTrait() async throws {
        let directory = TemporaryDirectory("offload-trait")
        // Port 1 on the loopback: nothing listens, so a build with PostgreSQL fails to connect.
        let url = "postgres://offload@127.0.0.1:1/offload"
        let run = try await SupervisorRun.run(
            ["--database", url, "--worker", "/bin/true", "--control-socket", directory.path + "/control.sock"],
            workingDirectory: directory.path)
        let refusal = "this build has no PostgreSQL support"
        #if PostgreSQL
        #expect(run.status != .exited(78), "\(run)")
        #expect(!run.output.contains(refusal), "\(run)")
        #else
        #expect(run.status == .exited(78), "\(run)")
        #expect(run.output.contains(refusal) && run.output.contains(#"traits: ["PostgreSQL"]"#), "\(run)")
        #endif
        // Never a SQLite file named after the URL.
        let created = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(!created.contains { $0.hasPrefix("postgres") }, "\(created)")
    }
}
