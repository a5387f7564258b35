import Foundation
import OffloadMacros
import OffloadSQLite
import OffloadTesting
import OffloadWorker
import Testing

/// Tasks declared the short way, run for real: a SQLite file, the worker runtime, JSON both ways.
@TaskNamespace
enum ReportTasks {
    struct PlannedFailure: Error {}

    /// Fails its first attempt when asked to, so the retry option from the attribute shows in the result.
    @OffloadTask(name: "macro.sum", queue: "reports", priority: 7, retry: .exponential(maxAttempts: 2, initial: .milliseconds(10)))
    static func sum(of numbers: [Int], label: String = "total", context: TaskContext) async throws -> String {
        if label == "flaky" && context.attempt == 1 { throw PlannedFailure() }
        return "\(label)=\(numbers.reduce(0, +)) on attempt \(context.attempt)"
    }

    /// Returns nothing: its task returns `NoOutput`. Appends to a file, a side effect the test reads.
    @OffloadTask(name: "macro.append")
    static func append(_ line: String, to path: String) async throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((line + "\n").utf8))
    }

    /// A hand-written task beside them: the namespace lists it too.
    struct Handwritten: BackgroundTask {
        static let name = "macro.handwritten"
        static func run(_ arguments: NoArguments, context: TaskContext) async throws -> Int { 42 }
    }
}

@Suite("Macro-declared tasks, run by a real worker", .serialized)
struct MacroTaskRunTests {
    @Test("a namespace's all registers every task it declares, the hand-written one included")
    func namespaceRegistersEveryTask() {
        let registry = TaskRegistry()
        registry.register(ReportTasks.all)
        #expect(registry.names == ["macro.append", "macro.handwritten", "macro.sum"])
    }

    @Test("the labelled enqueue stores the attribute's options, and a real worker runs the function and stores its return value")
    func enqueueAndRun() async throws {
        let directory = TemporaryDirectory("offload-macro-run")
        let store = try SQLiteTaskStore(path: directory.file("tasks.sqlite3"))
        let plain = try await ReportTasks.Sum.enqueue(of: [1, 2, 3], on: store)
        let flaky = try await ReportTasks.Sum.enqueue(of: [4], label: "flaky", on: store)
        let record = try await store.record(id: plain.id)
        #expect(record.taskName == "macro.sum")
        #expect(record.queueName == "reports")
        #expect(record.priority == 7)
        #expect(record.arguments == #"{"label":"total","numbers":[1,2,3]}"#)

        try await withRunningWorker(on: directory.file("tasks.sqlite3"), queues: ["reports"]) {
            for result in [plain, flaky] {
                try await waitUntil("task \(result.id) to succeed") { try store.record(id: result.id).status == .successful }
            }
        }
        var finished = plain
        try await finished.refresh()
        #expect(try finished.returnValue == "total=6 on attempt 1")
        finished = flaky
        try await finished.refresh()
        #expect(try finished.returnValue == "flaky=4 on attempt 2")
        #expect(finished.errors.count == 1)
    }

    @Test("request(…) enqueues through the store's own enqueue (the transactional path), and a task that returns nothing runs")
    func requestAndRunWithoutReturnValue() async throws {
        let directory = TemporaryDirectory("offload-macro-request")
        let store = try SQLiteTaskStore(path: directory.file("tasks.sqlite3"))
        let log = directory.file("appended.log")
        #expect(FileManager.default.createFile(atPath: log, contents: nil))
        let id = try await store.enqueue(ReportTasks.Append.request("first line", to: log)).id
        try await withRunningWorker(on: directory.file("tasks.sqlite3"), queues: ["default"]) {
            try await waitUntil("task \(id) to succeed") { try store.record(id: id).status == .successful }
        }
        #expect(try String(contentsOfFile: log, encoding: .utf8) == "first line\n")
        #expect(try await store.record(id: id).returnValue == "{}")
    }

    /// Runs a worker serving `ReportTasks.all` while `body` runs, then stops it.
    private func withRunningWorker(on path: String, queues: [String], _ body: () async throws -> Void) async throws {
        let registry = TaskRegistry()
        registry.register(ReportTasks.all)
        let worker = Worker(
            store: try SQLiteTaskStore(path: path), registry: registry,
            configuration: WorkerConfiguration(workerID: "macro-worker", queues: .named(queues)))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await worker.run() }
            do {
                try await body()
            } catch {
                worker.requestStop()
                throw error
            }
            worker.requestStop()
            try await group.waitForAll()
        }
    }
}
