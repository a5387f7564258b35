import Foundation
import Offload
import OffloadProcessTesting
import OffloadTesting
import Testing

/// `offload enqueue` queues a task as `Task.enqueue` does: with the options its type declares, read from the
/// worker (`--describe-tasks`), the flags overriding them.
@Suite("offload enqueue applies the options the task declares", .serialized)
struct EnqueueDeclaredOptionsTests {
    static let declaring = ["OFFLOAD_TEST_DECLARE_QUEUES": "1"]

    @Test("a task declared with 3 attempts on queue payments, enqueued by the CLI with --worker, is stored and runs that way")
    func declaredOptionsApply() async throws {
        let supervisor = try await SupervisorProcess.start(queues: ["default": 1], environment: Self.declaring)
        try await supervisor.waitUntilReady()
        let run = try await OffloadCommandRun.result(of:
            ["enqueue", "test.charge-card", "--database", supervisor.database, "--worker", BuiltProducts.path(of: "TestWorker")],
            environment: Self.declaring)
        #expect(run.exitStatus == 0, "\(run)")
        let number = try #require(Int64(run.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)), "\(run)")
        let id = TaskResultID(rawValue: number)
        let stored = try supervisor.record(id)
        #expect(stored.queueName == "payments")
        #expect(stored.priority == 7)
        #expect(stored.retry.maxAttempts == 3)
        #expect(stored.timeout == .seconds(60))
        // ChargeCard fails its first two attempts: only the declared three let it succeed.
        let finished = try await supervisor.waitForStatus(id, [.successful, .failed])
        #expect(finished.status == .successful, "\(finished)")
        #expect(finished.attempts == 3)
        #expect(await supervisor.stop() == .exited(0))
    }

    @Test("flags override the declared options one by one; $OFFLOAD_WORKER names the worker as --worker does")
    func flagsOverrideDeclaredOptions() async throws {
        let directory = TemporaryDirectory("offload-enqueue")
        let database = directory.file("tasks.sqlite3")
        let run = try await OffloadCommandRun.result(of:
            ["enqueue", "test.charge-card", "--database", database, "--priority=-3"],
            environment: Self.declaring.merging(["OFFLOAD_WORKER": BuiltProducts.path(of: "TestWorker")]) { $1 })
        #expect(run.exitStatus == 0, "\(run)")
        let list = try await OffloadCommandRun.result(of: ["show", run.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines), "--database", database])
        #expect(list.standardOutput.contains("payments"), "\(list)")
        #expect(list.standardOutput.contains("-3"), "\(list)")
    }

    @Test("a name the worker does not declare is refused, listing the names it declares, and nothing is stored")
    func undeclaredNameIsRefused() async throws {
        let directory = TemporaryDirectory("offload-enqueue")
        let database = directory.file("tasks.sqlite3")
        let run = try await OffloadCommandRun.result(of:
            ["enqueue", "test.charge-crad", "--database", database, "--worker", BuiltProducts.path(of: "TestWorker")],
            environment: Self.declaring)
        #expect(run.exitStatus == 64, "\(run)")
        #expect(run.standardError.contains("declares no task named test.charge-crad"), "\(run)")
        #expect(run.standardError.contains("test.charge-card"), "\(run)")
        #expect(!FileManager.default.fileExists(atPath: database))
    }

    @Test("without a worker the CLI says on standard error that the defaults apply instead of the declared options")
    func missingWorkerIsSaid() async throws {
        let directory = TemporaryDirectory("offload-enqueue")
        let run = try await OffloadCommandRun.result(of: ["enqueue", "test.charge-card", "--database", directory.file("tasks.sqlite3")], environment: ["OFFLOAD_WORKER": ""])
        #expect(run.exitStatus == 0, "\(run)")
        #expect(run.standardError.contains("no worker named (--worker or $OFFLOAD_WORKER)"), "\(run)")
    }
}
