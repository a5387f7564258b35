import Foundation
import GRDB
import Offload
import OffloadProcessTesting
import OffloadSQLite
import OffloadTesting
import Testing

@Suite("Faults: poisoned rows and hostile input at the offload CLI")
struct PoisonedRowCLITests {
    /// A database with a healthy task and one whose row holds a BLOB name and text in a time column.
    func poisonedDatabase() throws -> (directory: TemporaryDirectory, path: String, healthy: TaskResultID, poisoned: TaskResultID) {
        let directory = TemporaryDirectory("offload-cli")
        let path = directory.file("tasks.sqlite3")
        let store = try SQLiteTaskStore(path: path)
        let healthy = try store.enqueue(TaskRequest(taskName: "Mail.Send")).id
        let poisoned = try store.enqueue(TaskRequest(taskName: "Report.Build")).id
        try store.pool.write { db in
            try db.execute(sql: "UPDATE offload_task SET task_name = x'00ff', enqueued_at = 'yesterday', errors = 'not json' WHERE id = ?", arguments: [poisoned.rawValue])
        }
        return (directory, path, healthy, poisoned)
    }

    @Test("list and show print a row they cannot fully read, marking the columns, beside the healthy rows, and exit 0")
    func unreadableRowsAreMarked() async throws {
        let (directory, path, healthy, poisoned) = try poisonedDatabase()
        let list = try await OffloadCommandRun.result(of: ["list", "--database", path])
        #expect(list.exitStatus == 0, "\(list)")
        #expect(list.standardOutput.contains("Mail.Send") && list.standardOutput.contains("\(healthy)"), "\(list)")
        let poisonedLine = list.standardOutput.split(separator: "\n").first { $0.hasPrefix("\(poisoned) ") }
        #expect(poisonedLine?.contains("unreadable") == true, "\(list)")

        let show = try await OffloadCommandRun.result(of: ["show", "\(poisoned)", "--database", path])
        #expect(show.exitStatus == 0, "\(show)")
        for column in ["task_name", "enqueued_at", "errors"] {
            #expect(show.standardOutput.contains(column), "show names \(column): \(show)")
        }
        let json = try await OffloadCommandRun.result(of: ["list", "--json", "--database", path])
        #expect(json.exitStatus == 0 && json.standardOutput.contains("unreadableColumns"), "\(json)")
        withExtendedLifetime(directory) {}
    }

    @Test("a name with a newline and escape codes stays on its own line in list and show, escaped")
    func forgedNamesAreEscaped() async throws {
        let directory = TemporaryDirectory("offload-cli")
        let path = directory.file("tasks.sqlite3")
        let store = try SQLiteTaskStore(path: path)
        let id = try await store.enqueue(TaskRequest(taskName: "Mail.Send")).id
        // Written by hand, as an older version or another program could have: enqueue refuses it now.
        let forged = "Mail.Send\n99       SUCCESSFUL default    0     1/1    2026-01-01T00:00:00.000   \u{1B}[31mForged"
        try await store.pool.write { db in
            try db.execute(sql: "UPDATE offload_task SET task_name = ?, queue_name = ? WHERE id = ?", arguments: [forged, "q\u{1B}[2J", id.rawValue])
        }
        let list = try await OffloadCommandRun.result(of: ["list", "--database", path])
        #expect(list.exitStatus == 0, "\(list)")
        let lines = list.standardOutput.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }
        #expect(lines.count == 2, "a header and one row: \(list)")
        #expect(!list.standardOutput.contains("\u{1B}"), "no escape code reaches the terminal: \(list)")
        #expect(list.standardOutput.contains("\\n99"), "\(list)")
        let show = try await OffloadCommandRun.result(of: ["show", "\(id)", "--database", path])
        #expect(!show.standardOutput.contains("\u{1B}") && show.standardOutput.contains("\\x1b[31mForged"), "\(show)")
        try await store.pool.write { db in try db.execute(sql: "UPDATE offload_task SET status = 'FAILED' WHERE id = ?", arguments: [id.rawValue]) }
        let retry = try await OffloadCommandRun.result(of: ["retry", "\(id)", "--database", path])
        #expect(retry.exitStatus == 0 && !retry.standardOutput.contains("\u{1B}") && !retry.standardOutput.contains("\n99"), "\(retry)")
        withExtendedLifetime(directory) {}
    }

    @Test("enqueue refuses a name with control characters, and every command refuses absurd numbers, with a usage error instead of a trap")
    func hostileArgumentsAreUsageErrors() async throws {
        let directory = TemporaryDirectory("offload-cli")
        let path = directory.file("tasks.sqlite3")
        let cases: [[String]] = [
            ["enqueue", "Mail.Send\n1 SUCCESSFUL"],
            ["enqueue", "Mail.Send", "--queue", "q\u{1B}[2J"],
            ["enqueue", "Mail.Send", "--delay", "nan"],
            ["enqueue", "Mail.Send", "--delay", "1e300"],
            ["enqueue", "Mail.Send", "--timeout", "inf"],
            ["enqueue", "Mail.Send", "--timeout", "1e20"],
            ["prune", "--age", "1e20"],
            ["prune", "--age", "nan"],
            ["list", "--limit", "0"],
        ]
        for arguments in cases {
            let run = try await OffloadCommandRun.result(of: arguments + ["--database", path])
            #expect(run.exitStatus == 64, "\(arguments.debugDescription): \(run)")
            #expect(!run.standardError.contains("Fatal error"), "\(arguments.debugDescription): \(run)")
        }
        let store = try SQLiteTaskStore(path: path)
        #expect(try await store.records(matching: TaskFilter()).isEmpty, "nothing was enqueued")
        withExtendedLifetime(directory) {}
    }
}
