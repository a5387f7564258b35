import Foundation
import Offload
import OffloadProcessTesting
import OffloadSQLite
import OffloadTesting
import Testing

@Suite("Faults: the database file in a directory others can write, or replaced under a running supervisor", .serialized)
struct DatabaseFileFaultTests {
    @Test("offload warns about a world-writable directory and refuses a database planted there by a symbolic link")
    func sharedDirectory() async throws {
        let directory = TemporaryDirectory("offload-shared")
        chmod(directory.path, 0o1777)
        let path = directory.file("tasks.sqlite3")
        // enqueue, since only a command that writes may create the database.
        let fresh = try await OffloadCommandRun.result(of: ["enqueue", "Mail.Send", "--database", path])
        #expect(fresh.exitStatus == 0, "\(fresh)")
        #expect(fresh.standardError.contains("writable by every user"), "\(fresh)")

        let planted = directory.file("planted.sqlite3")
        try FileManager.default.createSymbolicLink(atPath: planted, withDestinationPath: path)
        let refused = try await OffloadCommandRun.result(of: ["enqueue", "Mail.Send", "--database", planted])
        #expect(refused.exitStatus != 0 && refused.exitStatus != nil, "\(refused)")
        #expect(refused.standardError.contains("symbolic link"), "\(refused)")
    }

    @Test("a database replaced under a running supervisor (a restore from backup) is reported in the log by its workers, and the old file gets no new task")
    func replacedUnderSupervisor() async throws {
        let supervisor = try await SupervisorProcess.start(queues: ["default": 1])
        try await supervisor.waitUntilReady()
        let backup = supervisor.directory.file("backup.sqlite3")
        _ = try SQLiteTaskStore(path: backup)
        #expect(rename(backup, supervisor.database) == 0)
        try await supervisor.explainingTimeout {
            try await waitUntil("the replaced database to be reported", timeout: .seconds(20)) {
                supervisor.logContains("was deleted or replaced")
            }
        }
        // The harness's own store opened the old file: it must refuse to enqueue into it.
        #expect(throws: OffloadError.self) { try supervisor.enqueue("test.record", arguments: #"{"label": "lost"}"#) }
        #expect(try supervisor.status().phase == "running", "ctl still answers")
        await supervisor.stop()
        #expect(livePIDs(mentioning: supervisor.directory.path).isEmpty)
    }
}
