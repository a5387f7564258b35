import Foundation
import Offload
import OffloadSQLite
import OffloadTesting
import OffloadWorker
import Synchronization
import Testing

/// Does nothing: the pick-up is what this test measures.
private struct Idle: BackgroundTask {
    static let name = "test.idle"
    static func run(_ arguments: NoArguments, context: TaskContext) async throws -> NoOutput { NoOutput() }
}

/// A real SQLite store whose wake-ups the test rings by hand, counting the worker's looks for ready tasks.
///
/// SQLite's own wake-up (the WAL watch) fires when a commit's frames are written, before the commit is
/// published in the shared-memory index; a worker that looks in between sees nothing. This store lets a test
/// put that moment exactly where the race puts it: ring, let the worker look and find nothing, then commit.
final class HandRungStore: TaskStore {
    let base: SQLiteTaskStore
    private let stream: AsyncStream<Void>
    private let bell: AsyncStream<Void>.Continuation
    private let looks = Mutex(0)

    init(path: String) throws {
        base = try SQLiteTaskStore(path: path)
        (stream, bell) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    func ring() { bell.yield() }
    var looksSoFar: Int { looks.withLock { $0 } }

    func hasReadyTask(in queues: QueueSelection, at now: Date) async throws -> Bool {
        let ready = try await base.hasReadyTask(in: queues, at: now)
        looks.withLock { $0 += 1 }
        return ready
    }
    func wakeUps() -> AsyncStream<Void> { stream }

    func enqueue(_ request: TaskRequest) async throws -> TaskRecord { try await base.enqueue(request) }
    func record(id: TaskResultID) async throws -> TaskRecord { try await base.record(id: id) }
    func enqueue(batch requests: [TaskRequest]) async throws -> [TaskRecord] { try base.enqueue(batch: requests) }
    func complete(_ outcomes: [TaskOutcome], thenClaim claim: ClaimRequest?) async throws -> [ClaimedTask] { try await base.complete(outcomes, thenClaim: claim) }
    func nextRunAfter(in queues: QueueSelection) async throws -> Date? { try await base.nextRunAfter(in: queues) }
    func releaseUnstarted(_ ids: [TaskResultID], workerID: String) async throws { try await base.releaseUnstarted(ids, workerID: workerID) }
    func recoverTasks(of loss: WorkerLoss, at now: Date) async throws -> [RecoveredTask] { try await base.recoverTasks(of: loss, at: now) }
    func heartbeat(_ worker: WorkerRecord) async throws { try await base.heartbeat(worker) }
    func unregisterWorker(id: String) async throws { try await base.unregisterWorker(id: id) }
    func workers() async throws -> [WorkerRecord] { try await base.workers() }
    func recoverStaleWorkers(staleAfter: Duration, at now: Date, isAlive: @Sendable (WorkerRecord) -> Bool) async throws -> [RecoveredTask] {
        try await base.recoverStaleWorkers(staleAfter: staleAfter, at: now, isAlive: isAlive)
    }
    func prune(_ request: PruneRequest) async throws -> Int { try await base.prune(request) }
    func records(matching filter: TaskFilter) async throws -> [TaskRecord] { try await base.records(matching: filter) }
    func cancel(_ ids: [TaskResultID], by canceller: String, at now: Date) async throws -> [TaskCancellation] { try await base.cancel(ids, by: canceller, at: now) }
    func cancelRequests(ofWorker workerID: String) async throws -> Set<TaskResultID> { try await base.cancelRequests(ofWorker: workerID) }
    func counts() async throws -> [QueueCounts] { try await base.counts() }
    func retry(id: TaskResultID, at now: Date) async throws -> TaskRecord { try await base.retry(id: id, at: now) }
    func retry(matching request: BulkRetryRequest) async throws -> [RetriedTask] { try await base.retry(matching: request) }
}

@Suite("Wake-ups that come before their commit is visible")
struct EarlyWakeUpTests {
    @Test("a task committed just after a wake-up found nothing is picked up by the worker's follow-up looks, not by the safety poll", arguments: 0..<5)
    func commitAfterAnEmptyWakeUpIsPickedUp(round: Int) async throws {
        let directory = TemporaryDirectory("offload-early-wake-up")
        let path = directory.file("tasks.sqlite3")
        let store = try HandRungStore(path: path)
        let app = try SQLiteTaskStore(path: path)
        let registry = TaskRegistry()
        registry.register(Idle.self)
        var configuration = WorkerConfiguration(workerID: "early-\(round)")
        configuration.idlePollInterval = .seconds(600)  // a missed commit shows as a timeout below
        let worker = Worker(store: store, registry: registry, configuration: configuration)

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await worker.run() }
            try await waitUntil("the worker to register") { try await app.workers().count == 1 }
            // The worker's first look happens once it is idle; ring, and wait for the look that finds nothing.
            let before = store.looksSoFar
            store.ring()
            try await waitUntil("the worker to look after the wake-up", interval: .milliseconds(1)) { store.looksSoFar > before }
            // The commit becomes visible only now, with no wake-up of its own: the race's second half.
            let id = try await app.enqueue(TaskRequest(taskName: Idle.name)).id
            _ = try await waitFor("task \(id) to be picked up without a wake-up", timeout: .seconds(60), interval: .milliseconds(5)) {
                try app.record(id: id).status == .successful ? true : nil
            }
            worker.requestStop()
            try await group.waitForAll()
        }
    }
}
