import Foundation
import Offload
import OffloadSQLite
import OffloadTesting
import OffloadWorker
import Testing

/// Does nothing: the pick-up is what these tests measure.
private struct Nothing: BackgroundTask {
    static let name = "test.nothing"
    static func run(_ arguments: NoArguments, context: TaskContext) async throws -> NoOutput { NoOutput() }
}

@Suite("Idle pick-ups", .serialized)
struct IdlePickUpTests {
    /// The safety poll is set far beyond the test's deadline, so a wake-up that is missed shows as a
    /// timeout instead of a slow pick-up.
    @Test("an idle worker picks up every task on the enqueue's wake-up, never on the safety poll")
    func everyIdlePickUpFollowsTheEnqueue() async throws {
        let directory = TemporaryDirectory("offload-pick-up")
        let path = directory.file("tasks.sqlite3")
        let app = try SQLiteTaskStore(path: path)
        let registry = TaskRegistry()
        registry.register(Nothing.self)
        var configuration = WorkerConfiguration(workerID: "idle-worker")
        configuration.idlePollInterval = .seconds(600)
        let worker = Worker(store: try SQLiteTaskStore(path: path), registry: registry, configuration: configuration)

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await worker.run() }
            try await waitUntil("the worker to register") { try await app.workers().count == 1 }
            var pickUps: [Double] = []
            for index in 0..<60 {
                // Enqueues land at scattered moments of the worker's sleep, as a web app's do.
                try await Task.sleep(for: .milliseconds(15 + (index * 7) % 50))
                let id = try await app.enqueue(TaskRequest(taskName: Nothing.name, arguments: "{}")).id
                let record = try await waitFor("task \(index) (\(id)) to be picked up by its wake-up", timeout: .seconds(10), interval: .milliseconds(5)) {
                    let record = try app.record(id: id)
                    return record.status == .successful ? record : nil
                }
                pickUps.append((record.startedAt ?? record.enqueuedAt).timeIntervalSince(record.enqueuedAt))
            }
            let sorted = pickUps.sorted()
            print("idle pick-ups of \(sorted.count) tasks: median \(Int(sorted[sorted.count / 2] * 1000)) ms, slowest \(Int(sorted.last! * 1000)) ms")
            worker.requestStop()
            try await group.waitForAll()
        }
    }
}
