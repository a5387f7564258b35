import Foundation
import GRDB
import Offload
import OffloadProcessTesting
import OffloadSQLite
import OffloadTesting
import Synchronization
import Testing

/// Issue 12, item 2: a web app that shares its own GRDB pool with Offload, under the load that made a fifth
/// of its enqueues fail with "database is locked" while worker processes drained the queue.
@Suite("The app's own GRDB pool shared with Offload, under load", .serialized)
struct SharedPoolLoadTests {
    /// The test worker's `test.echo`, as the app sees it.
    struct Echo: BackgroundTask {
        struct Arguments: Codable, Sendable { var value: String }
        static let name = "test.echo"
        static func run(_ arguments: Arguments, context: TaskContext) async throws -> String { arguments.value }
    }

    static let clients = 20
    static let requestsPerClient = 30
    static let streamRate = 20
    static let streamSeconds = 3

    @Test("20 concurrent web clients and a 20 tasks/s stream enqueue through the app's pool while supervised workers drain: no enqueue fails and every task succeeds")
    func sharedPoolUnderLoad() async throws {
        let supervisor = try await SupervisorProcess.start(queues: ["default": 2])
        try await supervisor.waitUntilReady()
        // The app's pool, made as docs/tasks.md says.
        var configuration = Configuration()
        SQLiteTaskStore.configure(&configuration)
        let appPool = try DatabasePool(path: supervisor.database, configuration: configuration)
        try await appPool.write { db in
            try db.execute(sql: "CREATE TABLE shop_order (id INTEGER PRIMARY KEY, label TEXT NOT NULL)")
        }
        let store = try SQLiteTaskStore(pool: appPool)
        let outcomes = EnqueueOutcomes()

        await withTaskGroup(of: Void.self) { group in
            for client in 0..<Self.clients {
                group.addTask {
                    for request in 0..<Self.requestsPerClient {
                        let label = "client\(client)-\(request)"
                        // Half the requests write an order and enqueue in the same transaction, as a checkout would.
                        let transactional = request.isMultiple(of: 2)
                        await outcomes.record(transactional: transactional) {
                            let task = try TaskRequest(Echo.self, arguments: .init(value: label))
                            guard transactional else { return try await store.enqueue(task).id }
                            return try await appPool.write { db in
                                try db.execute(sql: "INSERT INTO shop_order (label) VALUES (?)", arguments: [label])
                                return try store.enqueue(task, in: db).id
                            }
                        }
                        // A client's think time between requests.
                        try? await Task.sleep(for: .milliseconds(10))
                    }
                }
            }
            group.addTask {
                let clock = ContinuousClock()
                var next = clock.now
                for index in 0..<(Self.streamRate * Self.streamSeconds) {
                    await outcomes.record(transactional: false) {
                        try await Echo.enqueue(.init(value: "stream\(index)"), on: store).id
                    }
                    next += .seconds(1) / Self.streamRate
                    try? await Task.sleep(until: next, clock: clock)
                }
            }
        }

        let expected = Self.clients * Self.requestsPerClient + Self.streamRate * Self.streamSeconds
        let (ids, failures, committedOrders) = outcomes.snapshot
        #expect(failures.isEmpty, "\(failures.count) of \(expected) enqueues failed; first: \(failures.prefix(3))")
        #expect(ids.count == expected)
        let orders = try await appPool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM shop_order") ?? 0 }
        #expect(orders == committedOrders, "orders written with their task")
        let audit = try await auditWhenFinished(ids, in: supervisor.store, timeout: .seconds(180))
        #expect(audit.records.allSatisfy { $0.status == .successful }, "\(audit)")
        #expect(await supervisor.stop() == .exited(0))
        #expect(livePIDs(mentioning: supervisor.directory.path).isEmpty)
    }
}

/// What the enqueuers saw: the ids accepted, the errors thrown, and how many orders were committed with a task.
final class EnqueueOutcomes: Sendable {
    private let state = Mutex<(ids: [TaskResultID], failures: [String], committedOrders: Int)>(([], [], 0))

    func record(transactional: Bool, _ enqueue: @Sendable () async throws -> TaskResultID) async {
        do {
            let id = try await enqueue()
            state.withLock {
                $0.ids.append(id)
                if transactional { $0.committedOrders += 1 }
            }
        } catch {
            state.withLock { $0.failures.append(String(describing: error)) }
        }
    }

    var snapshot: (ids: [TaskResultID], failures: [String], committedOrders: Int) { state.withLock { $0 } }
}
