import Foundation
import OffloadProcessTesting
import OffloadTesting
import Testing

@Suite("Faults: the offload CLI pointed at a database that does not exist")
struct MissingDatabaseCLITests {
    /// Every command that only reads or changes existing tasks, with the arguments it needs.
    static let commandsThatNeedADatabase: [[String]] = [
        ["list"], ["show", "1"], ["counts"], ["status"], ["retry", "1"], ["prune", "--age", "7"],
    ]

    @Test("each command that reads or changes existing tasks exits 66 naming the absolute path it looked at and why, and creates no file", arguments: commandsThatNeedADatabase)
    func readOnlyCommandRefusesAMissingFile(command: [String]) async throws {
        let directory = TemporaryDirectory("offload-missing")
        let path = directory.file("wrong-folder.sqlite3")
        let run = try await OffloadCommandRun.result(of: command + ["--database", path])
        #expect(run.exitStatus == 66, "\(run)")
        #expect(run.standardError.contains("no task database at \(URL(fileURLWithPath: path).standardizedFileURL.path) "), "\(run)")
        #expect(run.standardError.contains("because --database"), "\(run)")
        let created = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(created.isEmpty, "nothing created: \(created)")
    }

    @Test("a relative path from $OFFLOAD_DATABASE is reported absolute, with the variable as the reason")
    func environmentPathIsExplained() async throws {
        let directory = TemporaryDirectory("offload-missing")
        let path = directory.file("from-environment.sqlite3")
        let run = try await OffloadCommandRun.result(of: ["counts"], environment: ["OFFLOAD_DATABASE": path])
        #expect(run.exitStatus == 66, "\(run)")
        #expect(run.standardError.contains("no task database at \(URL(fileURLWithPath: path).standardizedFileURL.path) "), "\(run)")
        #expect(run.standardError.contains("$OFFLOAD_DATABASE"), "\(run)")
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test("enqueue, which writes, still creates the database")
    func enqueueCreatesIt() async throws {
        let directory = TemporaryDirectory("offload-missing")
        let path = directory.file("new.sqlite3")
        let run = try await OffloadCommandRun.result(of: ["enqueue", "Mail.Send", "--database", path])
        #expect(run.exitStatus == 0, "\(run)")
        #expect(FileManager.default.fileExists(atPath: path))
        let list = try await OffloadCommandRun.result(of: ["list", "--database", path])
        #expect(list.exitStatus == 0 && list.standardOutput.contains("Mail.Send"), "\(list)")
    }
}
