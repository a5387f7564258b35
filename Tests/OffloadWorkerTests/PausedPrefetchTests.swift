import Foundation
import Offload
import OffloadSQLite
import OffloadTesting
import OffloadWorker
import Synchronization
import Testing

/// When each run began, by the test's clock: the worker runs in this process.
private let starts = Mutex<[Date]>([])

/// Long enough that a worker with a large prefetch budget holds dozens of these claimed but not started.
private struct PrefetchedSpan: BackgroundTask {
    struct Arguments: Codable, Sendable {}
    static let name = "test.prefetched-span"
    static func run(_ arguments: Arguments, context: TaskContext) async throws -> NoOutput {
        starts.withLock { $0.append(Date()) }
        try await Task.sleep(for: .milliseconds(30))
        return NoOutput()
    }
}

@Suite("Prefetched tasks of a paused queue")
struct PausedPrefetchTests {
    @Test("a worker holding prefetched tasks starts none of them once their queue is paused, and gives them back uncounted")
    func prefetchedTasksDoNotStartAfterThePause() async throws {
        let directory = TemporaryDirectory("offload-paused-prefetch")
        let path = directory.file("tasks.sqlite3")
        let app = try SQLiteTaskStore(path: path)
        let registry = TaskRegistry()
        registry.register(PrefetchedSpan.self)
        var configuration = WorkerConfiguration(workerID: "prefetching-worker")
        // Ten seconds of expected work: after its first task the worker prefetches the maximum (64).
        configuration.prefetchBudget = .seconds(10)
        let worker = Worker(store: try SQLiteTaskStore(path: path), registry: registry, configuration: configuration)
        let ids = try app.enqueue(batch: (0..<100).map { _ in TaskRequest(taskName: PrefetchedSpan.name) }).map(\.id)

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await worker.run() }
            // The second task starts from a claim made once the first finished: the one that prefetched.
            try await waitUntil("the worker to start prefetched tasks", timeout: .seconds(60)) { starts.withLock { $0.count >= 3 } }
            #expect(try await app.pauseQueue("default", by: "test", at: Date()))
            let paused = Date()
            try await waitUntil("no task to be RUNNING", timeout: .seconds(60)) {
                try await app.counts().first { $0.queueName == "default" }.map { $0.running == 0 } ?? false
            }
            let late = starts.withLock { $0.filter { $0 > paused } }
            #expect(late.isEmpty, "\(late.count) task(s) started after the pause returned")
            let records = try ids.map { try app.record(id: $0) }
            let pending = records.filter { $0.status == .pending }
            #expect(pending.count > 50, "most tasks should wait for the queue to resume; \(pending.count) do")
            #expect(pending.allSatisfy { $0.attempts == 0 }, "tasks given back are not counted as attempted")
            worker.requestStop()
            try await group.waitForAll()
        }
    }
}
