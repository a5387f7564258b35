import Foundation
import Offload
import OffloadProcessTesting
import OffloadSQLite
import OffloadTesting
import Testing

@Suite("offload cancel: by id and by filter")
struct CancelCommandTests {
    func database(pendingIn queues: [String]) throws -> (directory: TemporaryDirectory, path: String, store: SQLiteTaskStore, ids: [TaskResultID]) {
        let directory = TemporaryDirectory("offload-cancel")
        let path = directory.file("tasks.sqlite3")
        let store = try SQLiteTaskStore(path: path)
        let ids = try queues.map { try store.enqueue(TaskRequest(taskName: "Mail.Send", queueName: $0)).id }
        return (directory, path, store, ids)
    }

    @Test("`offload cancel ID` cancels a pending task at once and records who; cancelling it again changes nothing and exits 1; an unknown id exits 66")
    func cancelByID() async throws {
        let db = try database(pendingIn: ["default"])
        let run = try await OffloadCommandRun.result(of: ["cancel", "\(db.ids[0])", "--by", "ops-oncall", "--database", db.path])
        #expect(run.exitStatus == 0, "\(run)")
        #expect(run.standardOutput.contains("task \(db.ids[0]) (Mail.Send) cancelled"), "\(run)")
        let record = try await db.store.record(id: db.ids[0])
        #expect(record.status == .cancelled)
        #expect(record.cancelledBy == "ops-oncall")

        let again = try await OffloadCommandRun.result(of: ["cancel", "\(db.ids[0])", "--database", db.path])
        #expect(again.exitStatus == 1, "\(again)")
        #expect(again.standardOutput.contains("already finished; nothing changed"), "\(again)")
        let unknown = try await OffloadCommandRun.result(of: ["cancel", "424242", "--database", db.path])
        #expect(unknown.exitStatus == 66, "\(unknown)")

        let shown = try await OffloadCommandRun.result(of: ["show", "\(db.ids[0])", "--database", db.path])
        #expect(shown.standardOutput.contains("CANCELLED") && shown.standardOutput.contains("by ops-oncall"), "\(shown)")
        let counts = try await OffloadCommandRun.result(of: ["counts", "--database", db.path])
        #expect(counts.standardOutput.contains("CANCELLED"), "\(counts)")
    }

    @Test("`offload cancel` by filter cancels only the matching tasks, lists them first with --dry-run, and refuses to cancel everything without --all")
    func cancelByFilter() async throws {
        let db = try database(pendingIn: ["email", "email", "reports"])
        let refused = try await OffloadCommandRun.result(of: ["cancel", "--database", db.path])
        #expect(refused.exitStatus == 64, "\(refused)")
        #expect(refused.standardError.contains("--all"), "\(refused)")

        let dry = try await OffloadCommandRun.result(of: ["cancel", "--queue", "email", "--dry-run", "--database", db.path])
        #expect(dry.exitStatus == 0, "\(dry)")
        #expect(dry.standardOutput.contains("would cancel 2 task(s)"), "\(dry)")
        #expect(try db.ids.map { try db.store.record(id: $0).status } == [.pending, .pending, .pending], "a dry run changes nothing")

        let run = try await OffloadCommandRun.result(of: ["cancel", "--queue", "email", "--status", "pending", "--database", db.path])
        #expect(run.exitStatus == 0, "\(run)")
        #expect(try db.ids.map { try db.store.record(id: $0).status } == [.cancelled, .cancelled, .pending])

        let all = try await OffloadCommandRun.result(of: ["cancel", "--all", "--database", db.path])
        #expect(all.exitStatus == 0, "\(all)")
        #expect(try await db.store.record(id: db.ids[2]).status == .cancelled)
        let finished = try await OffloadCommandRun.result(of: ["cancel", "--status", "successful", "--database", db.path])
        #expect(finished.exitStatus == 64, "\(finished)")
    }
}
