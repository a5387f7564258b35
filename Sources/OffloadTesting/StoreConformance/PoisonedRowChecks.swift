import Foundation
import Offload

/// Garbage in one of Offload's own columns, in the SQL of one store: what a hand edit, a bad migration or a
/// damaged file leaves behind.
public struct PoisonedValue: Sendable, CustomStringConvertible {
    /// The column the checks expect the store to name.
    public var column: String
    /// The `SET` clause that writes the garbage, e.g. `run_after = 'soon'`.
    public var assignment: String
    /// Whether a record cannot show the value at all (a wrong type), so listings must mark the column.
    public var unreadable: Bool

    public init(column: String, assignment: String, unreadable: Bool) {
        self.column = column
        self.assignment = assignment
        self.unreadable = unreadable
    }

    public var description: String { assignment }
}

/// One bad row costs one task: claims, outcomes, recovery and listings go on around it.
enum PoisonedRowChecks {
    static let all: [ConformanceCheck] = [
        ConformanceCheck("a claim fails a task whose row holds garbage on its own, naming the column, and claims the healthy tasks around it") { c in
            guard let poison = c.subject.poison else { return }
            for (index, value) in c.subject.poisonedValues.enumerated() {
                let queue = "poisoned-\(index)"
                let before = try await c.enqueue(queue: queue)
                let bad = try await c.enqueue(queue: queue, priority: 50)
                let after = try await c.enqueue(queue: queue)
                try await poison(bad.id, value)
                c.expect(try await c.store.hasReadyTask(in: .named([queue]), at: Date()), "\(value): a worker must see the damaged task as ready, or nobody will ever settle it")
                let claimed = try await c.claim(3, queues: .named([queue]))
                c.expectEqual(Set(claimed.map(\.id)), [before.id, after.id], "\(value): tasks claimed beside the damaged one")
                let failed = try c.require(try await c.store.records(matching: TaskFilter(id: bad.id)).first, "\(value): the damaged task is not listed")
                c.expectEqual(failed.status, .failed, "\(value): status of the damaged task")
                c.expectEqual(failed.errors.last?.exceptionType, TaskFailureKind.invalidStoredRow, "\(value): the error recorded")
                c.expect(failed.errors.last?.message.contains(value.column) == true, "\(value): the error should name the column \(value.column): \(failed.errors.last?.message ?? "no error")")
                c.expect(!(try await c.store.hasReadyTask(in: .named([queue]), at: Date())), "\(value): nothing is ready once the damaged task failed")
                c.expectEqual(try await c.store.nextRunAfter(in: .named([queue])), nil, "\(value): next run-after once the damaged task failed")
            }
        },
        ConformanceCheck("outcomes are recorded even when the tasks' errors turned to garbage while they ran") { c in
            guard let corrupt = c.subject.corruptErrors else { return }
            let succeeded = try await c.enqueue()
            let retried = try await c.enqueue(retry: .exponential(maxAttempts: 2))
            let failed = try await c.enqueue()
            c.expectEqual(try await c.claim(3).count, 3, "tasks claimed")
            for id in [succeeded.id, retried.id, failed.id] { try await corrupt(id) }
            let error = c.attemptError()
            try await c.complete([
                TaskOutcome(id: succeeded.id, workerID: "w1", result: .succeeded(returnValue: "1")),
                TaskOutcome(id: retried.id, workerID: "w1", result: .failed(error, retryAt: Date().addingTimeInterval(30))),
                TaskOutcome(id: failed.id, workerID: "w1", result: .failed(error, retryAt: nil)),
            ])
            // Its errors still hold the garbage (a success adds none), so it is read the way a listing reads it.
            c.expectEqual(try await c.store.records(matching: TaskFilter(id: succeeded.id)).first?.status, .successful, "status of the task that succeeded")
            let retriedRecord = try await c.record(retried.id)
            c.expectEqual(retriedRecord.status, .pending, "status of the task to retry")
            c.expectEqual(retriedRecord.errors.last, error, "the error of the task to retry")
            let failedRecord = try await c.record(failed.id)
            c.expectEqual(failedRecord.status, .failed, "status of the task that failed")
            c.expectEqual(failedRecord.errors.last, error, "the error of the task that failed")
        },
        ConformanceCheck("recovering a task whose stored backoff is absurd fails it naming the column, without trapping") { c in
            guard let poison = c.subject.poison else { return }
            let task = try await c.enqueue(retry: .exponential(maxAttempts: 3))
            let healthy = try await c.enqueue(retry: .exponential(maxAttempts: 3))
            c.expectEqual(try await c.claim(2).count, 2, "tasks claimed")
            // 2e16 ms: its retry time is beyond what a time stamp holds.
            try await poison(task.id, PoisonedValue(column: "backoff_max_ms", assignment: "backoff_initial_ms = 20000000000000000, backoff_max_ms = 20000000000000000", unreadable: false))
            let recovered = try await c.store.recoverTasks(of: WorkerLoss(workerID: "w1", exceptionType: TaskFailureKind.workerDied, message: "killed"), at: Date())
            c.expectEqual(Set(recovered.map(\.id)), [task.id, healthy.id], "tasks recovered")
            let record = try c.require(try await c.store.records(matching: TaskFilter(id: task.id)).first, "the damaged task is not listed")
            c.expectEqual(record.status, .failed, "status of the damaged task")
            c.expect(record.errors.last?.message.contains("backoff") == true, "the error should name the backoff column: \(record.errors.last?.message ?? "no error")")
            c.expectEqual(try await c.record(healthy.id).status, .pending, "the healthy task is retried")
        },
        ConformanceCheck("listing shows every row and marks the columns it cannot read; reading one such row names them") { c in
            guard let poison = c.subject.poison else { return }
            for (index, value) in c.subject.poisonedValues.enumerated() where value.unreadable {
                let queue = "unreadable-\(index)"
                let healthy = try await c.enqueue(queue: queue)
                let bad = try await c.enqueue(queue: queue)
                try await poison(bad.id, value)
                let listed = try await c.store.records(matching: TaskFilter(queueName: queue))
                c.expectEqual(listed.map(\.id), [bad.id, healthy.id], "\(value): tasks listed")
                c.expectEqual(listed.first?.unreadableColumns.map(\.column), [value.column], "\(value): columns marked unreadable")
                c.expectEqual(listed.last?.unreadableColumns, [], "\(value): the healthy row")
                await c.expectError(.invalidStoredRow, containing: value.column, "\(value): reading the damaged row") {
                    _ = try await c.record(bad.id)
                }
            }
        },
    ]
}
