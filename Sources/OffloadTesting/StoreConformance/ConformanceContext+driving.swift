import Foundation
import Offload

/// Short ways to put tasks in the states a check starts from.
extension ConformanceContext {
    /// A fixed instant with whole seconds: dates in stored errors round-trip exactly.
    static let errorTime = Date(timeIntervalSince1970: 1_700_000_000)

    @discardableResult
    func enqueue(_ name: String = "t", queue: String = "default", priority: Int = 0, runAfter: Date? = nil, retry: RetryPolicy = .none, arguments: String = "{}") async throws -> TaskRecord {
        try await store.enqueue(TaskRequest(taskName: name, queueName: queue, priority: priority, arguments: arguments, runAfter: runAfter, retry: retry))
    }

    func claim(_ limit: Int = 1, worker: String = "w1", queues: QueueSelection = .all, now: Date = Date()) async throws -> [ClaimedTask] {
        try await store.complete([], thenClaim: ClaimRequest(workerID: worker, queues: queues, limit: limit, now: now))
    }

    func complete(_ outcomes: [TaskOutcome]) async throws {
        _ = try await store.complete(outcomes, thenClaim: nil)
    }

    func record(_ id: TaskResultID) async throws -> TaskRecord {
        try await store.record(id: id)
    }

    func attemptError(_ message: String = "boom", attempt: Int = 1, worker: String = "w1") -> TaskAttemptError {
        TaskAttemptError(exceptionType: "Check.Failure", message: message, attempt: attempt, workerID: worker, failedAt: Self.errorTime)
    }

    /// Enqueues, claims and finishes `count` tasks, so that they finished at `finishedAt`.
    func finish(_ count: Int, at finishedAt: Date, failed: Bool = false, queue: String = "default") async throws -> [TaskResultID] {
        var ids: [TaskResultID] = []
        for _ in 0..<count { ids.append(try await enqueue(queue: queue).id) }
        let claimed = try await claim(count, worker: "finisher", queues: .named([queue]))
        expectEqual(claimed.count, count, "tasks claimed to be finished")
        try await complete(claimed.map { task in
            TaskOutcome(
                id: task.id, workerID: "finisher",
                result: failed ? .failed(attemptError(worker: "finisher"), retryAt: nil) : .succeeded(returnValue: "null"),
                finishedAt: finishedAt)
        })
        return ids
    }

    func worker(_ id: String, heartbeat: Date, state: String = "running", currentTasks: [TaskResultID] = [], tasksDone: Int = 0) -> WorkerRecord {
        WorkerRecord(id: id, host: "host-\(id)", pid: 4242, queues: "*", state: state, currentTaskIDs: currentTasks, tasksDone: tasksDone, startedAt: Self.errorTime, heartbeatAt: heartbeat, supervisorID: "supervisor-1")
    }

    /// Whether two dates are the same to the millisecond (stores keep microseconds at least).
    func same(_ a: Date?, _ b: Date?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        return abs(a.timeIntervalSince(b)) < 0.001
    }
}
