import Foundation
import Offload
import OffloadSQLite
import OffloadTesting
import OffloadWorker
import Testing

/// Does nothing: the pick-up is what these tests measure.
private struct Nothing: BackgroundTask {
    struct Arguments: Codable, Sendable { var padding: String }
    static let name = "test.nothing"
    static func run(_ arguments: Arguments, context: TaskContext) async throws -> NoOutput { NoOutput() }
}

@Suite("Idle pick-ups", .serialized)
struct IdlePickUpTests {
    /// A fresh database, the app's store on it and a worker whose safety poll (600 s) lies far beyond any deadline
    /// here, so that a wake-up missed shows as a timeout; the directory lives as long as the caller keeps it.
    private static func idleWorker(
        configure: (inout WorkerConfiguration) -> Void = { _ in }
    ) throws -> (TemporaryDirectory, SQLiteTaskStore, Worker<SQLiteTaskStore>) {
        let directory = TemporaryDirectory("offload-pick-up")
        let path = directory.file("tasks.sqlite3")
        let registry = TaskRegistry()
        registry.register(Nothing.self)
        var configuration = WorkerConfiguration(workerID: "idle-worker")
        configuration.idlePollInterval = .seconds(600)
        configure(&configuration)
        let worker = Worker(store: try SQLiteTaskStore(path: path), registry: registry, configuration: configuration)
        return (directory, try SQLiteTaskStore(path: path), worker)
    }

    /// The safety poll is set far beyond the test's deadline, so a wake-up that is missed shows as a
    /// timeout instead of a slow pick-up. The deadline (60 s) is loose on purpose: a loaded CI machine stalls this
    /// process's threads for seconds at times, and a stall is not a missed wake-up; the 600 s poll still is.
    @Test("an idle worker picks up every task on the enqueue's wake-up, never on the safety poll")
    func everyIdlePickUpFollowsTheEnqueue() async throws {
        let (directory, app, worker) = try Self.idleWorker()
        defer { withExtendedLifetime(directory) {} }

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await worker.run() }
            try await waitUntil("the worker to register") { try await app.workers().count == 1 }
            var pickUps: [Double] = []
            for index in 0..<60 {
                // Enqueues land at scattered moments of the worker's sleep, as a web app's do.
                try await Task.sleep(for: .milliseconds(15 + (index * 7) % 50))
                // Every other commit is large (many WAL frames), as when an app enqueues in a transaction of its own.
                let padding = String(repeating: "p", count: index.isMultiple(of: 2) ? 0 : 600_000)
                let id = try await app.enqueue(TaskRequest(taskName: Nothing.name, arguments: try TaskJSON.encode(Nothing.Arguments(padding: padding)))).id
                let record = try await waitFor("task \(index) (\(id)) to be picked up by its wake-up", timeout: .seconds(60), interval: .milliseconds(5)) {
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

    /// The first enqueue may come the moment the worker is ready: the wake-up watch must be in place by then.
    @Test("a task enqueued the moment a worker has registered is picked up on its wake-up, never on the safety poll")
    func firstPickUpAfterStartFollowsTheEnqueue() async throws {
        let directory = TemporaryDirectory("offload-first-pick-up")
        let path = directory.file("tasks.sqlite3")
        let app = try SQLiteTaskStore(path: path)
        let registry = TaskRegistry()
        registry.register(Nothing.self)
        for round in 0..<60 {
            var configuration = WorkerConfiguration(workerID: "worker-\(round)")
            configuration.idlePollInterval = .seconds(600)
            let worker = Worker(store: try SQLiteTaskStore(path: path), registry: registry, configuration: configuration)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await worker.run() }
                try await waitUntil("worker \(round) to register", interval: .milliseconds(1)) {
                    try await app.workers().contains { $0.id == "worker-\(round)" }
                }
                // Scattered over the worker's first milliseconds: its first claim, its first sleep.
                try await Task.sleep(for: .microseconds(round * 97 % 4000))
                let id = try await app.enqueue(TaskRequest(taskName: Nothing.name, arguments: try TaskJSON.encode(Nothing.Arguments(padding: "")))).id
                _ = try await waitFor("round \(round): task \(id) to be picked up by its wake-up", timeout: .seconds(60), interval: .milliseconds(5)) {
                    try app.record(id: id).status == .successful ? true : nil
                }
                worker.requestStop()
                try await group.waitForAll()
            }
        }
    }

    /// An idle worker records its registry heartbeat from its listener with its watch off, so that its own commit
    /// does not wake it. Here it does so every 100–200 ms while tasks are enqueued at scattered moments: one
    /// committed while the watch is off must still be found by the look that follows, never by the safety poll.
    @Test("an idle worker's own registry heartbeats, written with its watch off, never make it miss an enqueue, and keep its registry entry fresh")
    func quietRegistryHeartbeatsMissNoEnqueue() async throws {
        let (directory, app, worker) = try Self.idleWorker { $0.registryHeartbeatInterval = .milliseconds(200) }
        defer { withExtendedLifetime(directory) {} }

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await worker.run() }
            try await waitUntil("the worker to register") { try await app.workers().count == 1 }
            let firstBeat = try #require(try await app.workers().first).heartbeatAt
            for index in 0..<60 {
                try await Task.sleep(for: .milliseconds(20 + (index * 37) % 200))
                let id = try await app.enqueue(TaskRequest(taskName: Nothing.name, arguments: try TaskJSON.encode(Nothing.Arguments(padding: "")))).id
                _ = try await waitFor("task \(index) (\(id)) to be picked up by its wake-up", timeout: .seconds(60), interval: .milliseconds(5)) {
                    try app.record(id: id).status == .successful ? true : nil
                }
            }
            let lastBeat = try #require(try await app.workers().first).heartbeatAt
            // About 60 beats went by; a loaded machine may delay some, not most.
            #expect(lastBeat.timeIntervalSince(firstBeat) > 2, "registry heartbeat at \(firstBeat), then \(lastBeat)")
            worker.requestStop()
            try await group.waitForAll()
        }
    }
}
