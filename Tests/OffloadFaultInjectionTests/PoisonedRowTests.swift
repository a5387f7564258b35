import Foundation
import GRDB
import Offload
import OffloadProcessTesting
import OffloadSQLite
import OffloadTesting
import Testing

@Suite("Faults: poisoned rows under a running supervisor", .serialized)
struct PoisonedRowTests {
    /// Garbage written into Offload's own columns by hand, each in a task of its own.
    static let poisons = [
        ("worker_ids", "worker_ids = 'garbage'"),
        ("errors", "errors = 'not json'"),
        ("run_after", "run_after = 'soon'"),
        ("backoff_max_ms", "backoff_max_ms = 20000000000000000"),
        ("timeout_ms", "timeout_ms = -1"),
    ]

    @Test("each poisoned row fails on its own naming its column, a huge backoff held by a dead worker does not crash the supervisor's start, the healthy tasks all run")
    func poisonedRowsCostOneTaskEach() async throws {
        let directory = TemporaryDirectory("offload-poisoned")
        let store = try SQLiteTaskStore(path: directory.file("tasks.sqlite3"))
        var healthy: [TaskResultID] = []
        for index in 0..<12 {
            healthy.append(try await store.enqueue(TaskRequest(taskName: "test.record", arguments: #"{"label": "t\#(index)"}"#)).id)
        }
        var poisoned: [TaskResultID: String] = [:]
        for (column, assignment) in Self.poisons {
            let id = try await store.enqueue(TaskRequest(taskName: "test.record", priority: 10, arguments: #"{"label": "poisoned \#(column)"}"#)).id
            try await store.pool.write { db in try db.execute(sql: "UPDATE offload_task SET \(assignment) WHERE id = ?", arguments: [id.rawValue]) }
            poisoned[id] = column
        }
        // A task held by a worker that no longer exists, whose retry time (2e16 ms away) no time stamp can hold:
        // the supervisor's start-up sweep recovers it.
        let orphan = try await store.enqueue(TaskRequest(taskName: "test.record", arguments: #"{"label": "orphan"}"#, retry: .exponential(maxAttempts: 3))).id
        try await store.pool.write { db in
            try db.execute(sql: """
                UPDATE offload_task SET status = 'RUNNING', worker_id = 'vanished-worker', attempts = 1, worker_ids = '["vanished-worker"]',
                    backoff_initial_ms = 20000000000000000, backoff_max_ms = 20000000000000000
                WHERE id = ?
                """, arguments: [orphan.rawValue])
        }
        poisoned[orphan] = "backoff"

        let supervisor = try await SupervisorProcess.start(queues: ["default": 2], directory: directory)
        try await supervisor.waitUntilReady()
        let audit = try await supervisor.explainingTimeout {
            try await auditWhenFinished(healthy + Array(poisoned.keys), in: supervisor.store)
        }
        for record in audit.records {
            if let column = poisoned[record.id] {
                #expect(record.status == .failed, "\(record.id) (\(column)): \(audit)")
                #expect(record.errors.last?.exceptionType == TaskFailureKind.invalidStoredRow, "\(record.id) (\(column)): \(record.errors)")
                #expect(record.errors.last?.message.contains(column) == true, "\(record.id) names \(column): \(record.errors)")
            } else {
                #expect(record.status == .successful && record.errors.isEmpty, "\(record.id): \(record)")
            }
        }
        #expect(Set(supervisor.runs()) == Set((0..<healthy.count).map { "t\($0)" }), "each healthy task ran once, no poisoned one ran")
        #expect(try supervisor.status().phase == "running")

        let workers = try supervisor.status().workers.map(\.pid)
        let exit = await supervisor.stop()
        #expect(exit == .exited(0), "the supervisor stops cleanly: \(exit)")
        #expect(workers.allSatisfy(processIsGone))
        #expect(livePIDs(mentioning: directory.path).isEmpty)
    }
}
