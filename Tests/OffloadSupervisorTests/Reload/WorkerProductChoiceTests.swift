import Foundation
import OffloadProcessTesting
import OffloadTesting
import Testing
@testable import OffloadSupervisor

/// Without `--worker-product`, the supervisor runs the package's own worker (issue 12, item 6): never
/// Offload's example outside Offload's repository, and an error that says what to do when it cannot tell.
@Suite("Default worker product")
struct WorkerProductChoiceTests {
    @Test("the only executable that depends on OffloadWorker, through a library target or directly, is the default")
    func onlyWorkerIsTheDefault() async throws {
        let fixture = try FixturePackageCopy("ShopApp")
        let manifest = try await PackageManifest.load(packagePath: fixture.file("App"))
        #expect(try WorkerProductChoice.defaultProduct(in: manifest) == "ShopWorker")
    }

    @Test("in Offload's own repository the example worker stays the default")
    func offloadRepositoryKeepsTheExample() async throws {
        let manifest = try await PackageManifest.load(packagePath: BuiltProducts.packageRoot)
        #expect(try WorkerProductChoice.defaultProduct(in: manifest) == "example-worker")
    }

    @Test("with two workers the supervisor exits 78 listing both and naming --worker-product")
    func twoWorkersAreAnError() async throws {
        let fixture = try FixturePackageCopy("WorkerChoice/TwoWorkers")
        let run = try await SupervisorRun.run(["--no-reload", "--database", fixture.file("tasks.sqlite3")], workingDirectory: fixture.path)
        #expect(run.status == .exited(78), "\(run)")
        #expect(run.output.contains("ImageWorker, MailWorker") && run.output.contains("--worker-product"), "\(run)")
        #expect(!run.output.contains("example-worker"), "\(run)")
    }

    @Test("with no worker the supervisor exits 78 saying the package has none")
    func noWorkerIsAnError() async throws {
        let fixture = try FixturePackageCopy("WorkerChoice/NoWorker")
        let run = try await SupervisorRun.run(["--no-reload", "--database", fixture.file("tasks.sqlite3")], workingDirectory: fixture.path)
        #expect(run.status == .exited(78), "\(run)")
        #expect(run.output.contains("No worker product") && run.output.contains("Web"), "\(run)")
        #expect(!run.output.contains("example-worker"), "\(run)")
    }
}
