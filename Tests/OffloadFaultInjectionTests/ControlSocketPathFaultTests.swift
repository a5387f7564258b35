import Foundation
import Offload
import OffloadProcessTesting
import OffloadSQLite
import OffloadSupervisor
import OffloadTesting
import Testing

@Suite("Faults: a control-socket path that points at something else")
struct ControlSocketPathFaultTests {
    static let worker = ["--worker", BuiltProducts.path(of: "TestWorker"), "--no-reload"]

    @Test("a control socket pointed at the database or its WAL files is refused with 78, and the database keeps its tasks", arguments: ["", "-wal", "-shm"])
    func socketAtTheDatabaseIsRefused(_ suffix: String) async throws {
        let directory = TemporaryDirectory("offload-socket-path")
        let database = directory.file("tasks.sqlite3")
        let store = try SQLiteTaskStore(path: database)
        let id = try await store.enqueue(TaskRequest(taskName: "test.record", arguments: #"{"label": "kept"}"#)).id
        #expect(FileManager.default.fileExists(atPath: database + suffix))

        let run = try await SupervisorRun.run(Self.worker + ["--database", database, "--control-socket", database + suffix], timeout: .seconds(20))
        #expect(run.status == .exited(78), "\(run)")
        #expect(run.output.contains("is the database's file"), "\(run)")
        #expect(FileManager.default.fileExists(atPath: database + suffix))
        let reopened = try SQLiteTaskStore(path: database)
        #expect(try await reopened.record(id: id).status == .pending, "the task is still there")
        #expect(livePIDs(mentioning: directory.path).isEmpty)
    }

    @Test("a regular file at the control-socket path is left alone and the start refused with 78")
    func regularFileIsLeftAlone() async throws {
        let directory = TemporaryDirectory("offload-socket-path")
        let path = directory.file("notes.txt")
        try "precious".write(toFile: path, atomically: true, encoding: .utf8)

        let run = try await SupervisorRun.run(Self.worker + ["--database", directory.file("tasks.sqlite3"), "--control-socket", path], timeout: .seconds(20))
        #expect(run.status == .exited(78), "\(run)")
        #expect(run.output.contains("a regular file of 8 bytes"), "\(run)")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "precious")
        #expect(livePIDs(mentioning: directory.path).isEmpty)
    }

    @Test("a control socket in a directory other users can write is refused with 78")
    func sharedDirectoryIsRefused() async throws {
        let directory = TemporaryDirectory("offload-socket-path")
        let shared = directory.file("shared")
        mkdir(shared, 0o700)
        chmod(shared, 0o1777)

        let run = try await SupervisorRun.run(Self.worker + ["--database", directory.file("tasks.sqlite3"), "--control-socket", shared + "/ctl.sock"], timeout: .seconds(20))
        #expect(run.status == .exited(78), "\(run)")
        #expect(run.output.contains("is writable by other users (mode 1777)"), "\(run)")
        #expect(livePIDs(mentioning: directory.path).isEmpty)
    }

    @Test("a stale socket of this user, left by a supervisor that died, is replaced")
    func staleSocketIsReplaced() async throws {
        let directory = TemporaryDirectory("offload-supervisor")
        try StaleSocket.leave(at: directory.file("ctl.sock"))
        let supervisor = try await SupervisorProcess.start(directory: directory)
        try await supervisor.waitUntilReady()
        #expect(await supervisor.stop() == .exited(0))
    }
}
