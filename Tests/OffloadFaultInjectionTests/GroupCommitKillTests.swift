import Foundation
import GRDB
import Offload
import OffloadSQLite
import OffloadSupervisor
import OffloadTesting
import Testing

@Suite("Group commit under SIGKILL", .serialized)
struct GroupCommitKillTests {
    /// A real child process runs 32 concurrent enqueuers (so batches are shared) and prints each id when its
    /// `enqueue` returns; it is killed with SIGKILL mid-stream. An id it printed was acknowledged: it must be stored.
    @Test("every enqueue that returned before a SIGKILL is in the database afterwards")
    func acknowledgedEnqueuesSurviveSIGKILL() async throws {
        let directory = TemporaryDirectory("offload-group-commit-kill")
        let path = directory.file("tasks.sqlite3")
        _ = try SQLiteTaskStore(path: path)
        let child = try await ChildProcess.spawn(SpawnRequest(
            executable: BuiltProducts.path(of: "TestWorker"),
            arguments: ["enqueue-until-killed", path, "32"], output: .pipe))
        var printed: [Int64] = []
        var lines = child.standardOutputLines.makeAsyncIterator()
        while printed.count < 2_000, let line = await lines.next() {
            if let id = Int64(line) { printed.append(id) }
        }
        #expect(child.send(SIGKILL))
        // Lines written before the kill are still in the pipe: they were acknowledged too.
        while let line = await lines.next() {
            if let id = Int64(line) { printed.append(id) }
        }
        let status = await child.waitForExit()
        guard case .signalled(SIGKILL, _) = status else {
            Issue.record("the child should die of SIGKILL, not \(status)")
            return
        }
        #expect(printed.count >= 2_000)

        let database = try DatabaseQueue(path: path)
        let stored = try await database.read { db in Set(try Int64.fetchAll(db, sql: "SELECT id FROM offload_task")) }
        let missing = printed.filter { !stored.contains($0) }
        #expect(missing.isEmpty, "\(missing.count) acknowledged enqueues are missing, e.g. \(missing.prefix(5))")
    }
}
