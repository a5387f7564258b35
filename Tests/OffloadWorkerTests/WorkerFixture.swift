import Foundation
import Offload
import OffloadSQLite
import OffloadSupervisor
import OffloadTesting

/// A database, a run log, and real test-worker processes serving it.
final class WorkerFixture: Sendable {
    let directory = TemporaryDirectory("offload-worker")
    let store: SQLiteTaskStore
    var database: String { directory.file("tasks.sqlite3") }
    var runLog: String { directory.file("runs.log") }

    init() throws {
        store = try SQLiteTaskStore(path: directory.file("tasks.sqlite3"))
    }

    /// Starts a test worker process with its output captured.
    func startWorker(_ arguments: [String] = [], database: String? = nil) async throws -> ChildProcess {
        var environment = ProcessInfo.processInfo.environment
        environment["OFFLOAD_TEST_RUN_LOG"] = runLog
        return try await ChildProcess.spawn(SpawnRequest(
            executable: BuiltProducts.path(of: "TestWorker"),
            arguments: ["--database", database ?? self.database, "--heartbeat-interval", "0.2", "--graceful-timeout", "10"] + arguments,
            environment: environment, output: .pipe))
    }

    @discardableResult
    func enqueue(_ name: String, _ arguments: String = "{}", priority: Int = 0, runAfter: Date? = nil, retry: RetryPolicy = .none) throws -> TaskResultID {
        try store.enqueue(TaskRequest(taskName: name, priority: priority, arguments: arguments, runAfter: runAfter, retry: retry)).id
    }

    func record(_ id: TaskResultID) throws -> TaskRecord {
        try store.record(id: id)
    }

    func waitForFinish(_ id: TaskResultID, timeout: Duration = .seconds(30)) async throws -> TaskRecord {
        try await waitFor("task \(id) to finish", timeout: timeout) {
            let record = try self.record(id)
            return record.status.isFinished ? record : nil
        }
    }

    func runs() -> [String] {
        guard let text = try? String(contentsOfFile: runLog, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").map(String.init)
    }
}

/// Collects a child's stderr for assertions.
func collectStandardError(_ process: ChildProcess) async -> String {
    var lines: [String] = []
    for await line in process.standardErrorLines { lines.append(line) }
    return lines.joined(separator: "\n")
}
