import Foundation
import Offload
import OffloadProcessTesting
import OffloadSQLite
import OffloadTesting
import Testing

@Suite("offload retry by filter")
struct BulkRetryCLITests {
    /// Synchronous, as the CLI runs block their thread until `offload` exits.
    @Test("--dry-run lists the failed tasks a filter matches and their count, changing nothing; without it they are retried; an id still works")
    func retryByFilter() async throws {
        let directory = TemporaryDirectory("offload-bulk-retry")
        let path = directory.file("tasks.sqlite3")
        let store = try SQLiteTaskStore(path: path)
        var failed: [String: TaskResultID] = [:]
        for (name, queue) in [("Mail.Send", "email"), ("Mail.Digest", "email"), ("Report.Build", "reports")] {
            let id = try await store.enqueue(TaskRequest(taskName: name, queueName: queue)).id
            _ = try store.completeAndClaim([], claim: ClaimRequest(workerID: "w1", queues: .named([queue]), limit: 1))
            let error = TaskAttemptError(exceptionType: "MailError", message: "boom", attempt: 1, workerID: "w1")
            _ = try await store.completeAndClaim([TaskOutcome(id: id, workerID: "w1", result: .failed(error, retryAt: nil))], claim: nil)
            failed[name] = id
        }
        let dryRun = try await OffloadCommandRun.result(of: ["retry", "--queue", "email", "--error-type", "MailError", "--failed-since", "1h", "--dry-run", "--database", path])
        #expect(dryRun.exitStatus == 0, "\(dryRun)")
        #expect(dryRun.standardOutput.contains("\(failed["Mail.Send"]!)\tMail.Send\temail"), "\(dryRun)")
        #expect(dryRun.standardOutput.contains("Mail.Digest") && !dryRun.standardOutput.contains("Report.Build"), "\(dryRun)")
        #expect(dryRun.standardOutput.contains("would retry 2 task(s)"), "\(dryRun)")
        #expect(try await store.record(id: failed["Mail.Send"]!).status == .failed)

        let retried = try await OffloadCommandRun.result(of: ["retry", "--queue", "email", "--database", path])
        #expect(retried.exitStatus == 0 && retried.standardOutput.contains("retried 2 task(s)"), "\(retried)")
        #expect(try await store.record(id: failed["Mail.Digest"]!).status == .pending)
        #expect(try await store.record(id: failed["Report.Build"]!).status == .failed)

        let single = try await OffloadCommandRun.result(of: ["retry", "\(failed["Report.Build"]!)", "--database", path])
        #expect(single.exitStatus == 0 && single.standardOutput.contains("PENDING again"), "\(single)")
    }

    @Test("an id with filters, no filter at all, or an unreadable time is a usage error (64)", arguments: [
        ["retry", "5", "--queue", "email"], ["retry"], ["retry", "--failed-since", "yesterday"], ["retry", "--failed-until", "1e300d"],
    ])
    func usageErrors(_ arguments: [String]) async throws {
        let directory = TemporaryDirectory("offload-bulk-retry-usage")
        let path = directory.file("tasks.sqlite3")
        _ = try SQLiteTaskStore(path: path)
        let run = try await OffloadCommandRun.result(of: arguments + ["--database", path])
        #expect(run.exitStatus == 64, "\(run)")
    }
}
