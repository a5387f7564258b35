import Foundation
import Offload
import OffloadSQLite
import OffloadTesting
import OffloadWorker
import Testing

/// Does nothing: the start is what this test waits for.
private struct Noop: BackgroundTask {
    static let name = "test.noop"
    static func run(_ arguments: NoArguments, context: TaskContext) async throws -> NoOutput { NoOutput() }
}

@Suite("Wake-ups with FULL durability", .serialized)
struct FullDurabilityPickUpTests {
    /// With `synchronous=FULL` the WAL watch fires when a commit's frames are written, milliseconds before the
    /// commit is synced and published. Each task here is the last enqueue until it starts, and the safety poll
    /// is beyond the deadline: a wake-up that finds nothing and is never followed by another shows as a timeout.
    @Test("with FULL durability, every task enqueued alone starts on its own wake-up, with no later enqueue and no safety poll")
    func everyLoneEnqueueStartsUnderFull() async throws {
        let directory = TemporaryDirectory("offload-full-pick-up")
        let path = directory.file("tasks.sqlite3")
        var storeConfiguration = SQLiteStoreConfiguration()
        storeConfiguration.durability = .full
        let app = try SQLiteTaskStore(path: path, configuration: storeConfiguration)
        let registry = TaskRegistry()
        registry.register(Noop.self)
        var configuration = WorkerConfiguration(workerID: "full-worker")
        configuration.idlePollInterval = .seconds(600)
        let worker = Worker(store: try SQLiteTaskStore(path: path, configuration: storeConfiguration), registry: registry, configuration: configuration)

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await worker.run() }
            try await waitUntil("the worker to register") { try await app.workers().count == 1 }
            for index in 0..<120 {
                // Gaps of 0–49 ms: the enqueue lands anywhere in the worker's sleep and its follow-up looks.
                try await Task.sleep(for: .milliseconds((index * 17) % 50))
                let id = try await app.enqueue(TaskRequest(taskName: Noop.name, arguments: "{}")).id
                _ = try await waitFor("task \(index) (\(id)) to start with no enqueue after it", timeout: .seconds(60), interval: .milliseconds(2)) {
                    try app.record(id: id).startedAt
                }
            }
            worker.requestStop()
            try await group.waitForAll()
        }
    }
}
