import Foundation
import Offload

/// Paused queues and concurrency limits: enforced by the claim itself, on every store.
enum QueueControlChecks {
    static let all: [ConformanceCheck] = [
        ConformanceCheck("a paused queue is never claimed, enqueueing into it still works, and resuming makes its tasks claimable") { c in
            let before = try await c.enqueue(queue: "mail")
            let other = try await c.enqueue(queue: "other")
            c.expect(try await c.store.pauseQueue("mail", by: "alice@host", at: Date()), "the first pause of a queue says it paused it")
            c.expect(!(try await c.store.pauseQueue("mail", by: "bob@host", at: Date())), "pausing a paused queue says it was already paused")
            let paused = try await c.store.pausedQueues()
            c.expectEqual(paused.map(\.queueName), ["mail"], "paused queues")
            c.expectEqual(paused.first?.pausedBy, "alice@host", "who paused the queue (the first pause stays)")
            let during = try await c.enqueue(queue: "mail")
            c.expect(!(try await c.store.hasReadyTask(in: .named(["mail"]), at: Date())), "a paused queue has no ready task")
            c.expectEqual(try await c.store.nextRunAfter(in: .named(["mail"])), nil, "a paused queue has no next run-after (idle workers must not spin)")
            c.expectEqual(try await c.claim(10, queues: .named(["mail"])).map(\.id), [], "claimed from the paused queue")
            let another = try await c.subject.openAnother()
            c.expectEqual(try await another.complete([], thenClaim: ClaimRequest(workerID: "w2", queues: .all, limit: 10)).map(\.id), [other.id], "claimed from all queues by another connection")
            c.expect(try await c.store.resumeQueue("mail"), "resuming a paused queue says it resumed it")
            c.expect(!(try await c.store.resumeQueue("mail")), "resuming a queue that is not paused says so")
            c.expectEqual(try await c.store.pausedQueues(), [], "paused queues after resuming")
            c.expectEqual(Set(try await c.claim(10, queues: .named(["mail"])).map(\.id)), [before.id, during.id], "claimed once resumed")
        },
        ConformanceCheck("a unique task with a concurrency limit keeps its limit, and a duplicate of it is not stored") { c in
            let request = { (key: String) in
                TaskRequest(taskName: "limited", arguments: #"{"n":"\#(key)"}"#, unique: UniqueConstraint(key: key), concurrency: .init(key: "one-at-a-time", limit: 1))
            }
            let first = try await c.store.enqueue(request("a"))
            let second = try await c.store.enqueue(request("b"))
            let duplicate = try await c.store.enqueue(request("a"))
            c.expectEqual(duplicate.id, first.id, "a duplicate enqueue returns the task already there")
            c.expectEqual(try await c.claim(10).map(\.id), [first.id], "claimed: one task under a limit of 1")
            c.expectEqual(try await c.record(second.id).status, .pending, "the second unique task waits for the slot")
        },
        ConformanceCheck("a batch claim takes no more tasks of one key than its limit, and leaves the others pending") { c in
            let limited = try await (0..<5).asyncMap { _ in try await c.enqueueLimited(key: "customer-1", limit: 2) }
            let plain = try await c.enqueue()
            let claimed = try await c.claim(10)
            c.expectEqual(Set(claimed.map(\.id)), Set([plain.id] + limited.prefix(2).map(\.id)), "claimed: the plain task and the first two of the key")
            c.expectEqual(try await c.claim(10, worker: "w2").map(\.id), [], "claimed while the key is at its limit")
            c.expect(!(try await c.store.hasReadyTask(in: .all, at: Date())), "tasks over their limit are not ready (idle workers must not spin)")
            c.expectEqual(try await c.record(limited[4].id).status, .pending, "a task over the limit stays pending")
        },
        ConformanceCheck("a limit holds across claimers, and frees on completion and on recovery") { c in
            let limited = try await (0..<4).asyncMap { _ in try await c.enqueueLimited(key: "sync", limit: 1) }
            let another = try await c.subject.openAnother()
            let first = try await c.claim(5, worker: "w1")
            let second = try await another.complete([], thenClaim: ClaimRequest(workerID: "w2", queues: .all, limit: 5))
            c.expectEqual(first.map(\.id) + second.map(\.id), [limited[0].id], "claimed by two claimers under a limit of 1")
            try await c.complete([TaskOutcome(id: limited[0].id, workerID: "w1", result: .succeeded(returnValue: "null"))])
            c.expect(try await c.store.hasReadyTask(in: .all, at: Date()), "a completion frees the slot")
            let next = try await another.complete([], thenClaim: ClaimRequest(workerID: "w2", queues: .all, limit: 5))
            c.expectEqual(next.map(\.id), [limited[1].id], "claimed once the slot was freed by a completion")
            _ = try await c.store.recoverTasks(of: WorkerLoss(workerID: "w2", exceptionType: TaskFailureKind.workerDied, message: "killed"), at: Date())
            c.expectEqual(try await c.claim(5, worker: "w3").map(\.id), [limited[2].id], "claimed once the slot was freed by recovery")
        },
        ConformanceCheck("limited tasks are never prefetched, and tasks of other keys or without a limit are unaffected") { c in
            let a = try await c.enqueueLimited(key: "a", limit: 1)
            let b = try await c.enqueueLimited(key: "b", limit: 1)
            let plain = try await c.enqueue()
            let claimed = try await c.store.complete([], thenClaim: ClaimRequest(workerID: "w1", queues: .all, limit: 3, startingAtOnce: 1))
            // The store may start a limited task or the plain one; beyond the one started, only the plain task.
            c.expect(!claimed.isEmpty, "nothing claimed")
            c.expect(claimed.dropFirst().allSatisfy { $0.id == plain.id }, "only the plain task may be prefetched: \(claimed.map(\.id))")
            let rest = try await c.claim(5, worker: "w2")
            c.expectEqual(Set((claimed + rest).map(\.id)), [a.id, b.id, plain.id], "each key runs one task beside the plain one")
        },
        ConformanceCheck("garbage in the concurrency columns costs that one task, never the claim of the others") { c in
            guard let poison = c.subject.poison else { return }
            let values = [
                ("negative limit", "concurrency_key = 'k', concurrency_limit = -1"),
                ("absurd limit", "concurrency_key = 'k', concurrency_limit = 2000000000"),
                ("empty key", "concurrency_key = '', concurrency_limit = 1"),
                ("key without a limit", "concurrency_key = 'k', concurrency_limit = NULL"),
            ]
            for (index, (what, assignment)) in values.enumerated() {
                let queue = "garbage-\(index)"
                let bad = try await c.enqueue(queue: queue, priority: 50)
                let healthy = try await c.enqueue(queue: queue)
                let limited = try await c.enqueueLimited(key: "k2", limit: 1, queue: queue)
                try await poison(bad.id, PoisonedValue(column: "concurrency_limit", assignment: assignment, unreadable: false))
                let claimed = try await c.claim(5, worker: "w-\(index)", queues: .named([queue]))
                c.expectEqual(Set(claimed.map(\.id)), [healthy.id, limited.id], "\(what): tasks claimed beside the damaged one")
                let record = try await c.record(bad.id)
                c.expectEqual(record.status, .failed, "\(what): status of the damaged task")
                c.expect(record.errors.last?.message.contains("concurrency") == true, "\(what): the error should name the column: \(record.errors.last?.message ?? "no error")")
                try await c.complete(claimed.map { TaskOutcome(id: $0.id, workerID: "w-\(index)", result: .succeeded(returnValue: "null")) })
            }
        },
        ConformanceCheck("enqueueing refuses a limit below 1 or above the maximum, and an empty key") { c in
            for (what, concurrency) in [("zero limit", ConcurrencyLimit.Resolved(key: "k", limit: 0)),
                                        ("huge limit", ConcurrencyLimit.Resolved(key: "k", limit: ConcurrencyLimit.maximumLimit + 1)),
                                        ("empty key", ConcurrencyLimit.Resolved(key: "", limit: 1))] {
                await c.expectError(.invalidOption, containing: "concurrency", what) {
                    _ = try await c.store.enqueue(TaskRequest(taskName: "t", concurrency: concurrency))
                }
            }
            c.expectEqual(try await c.store.records(matching: TaskFilter()).count, 0, "tasks stored")
        },
    ]
}

extension ConformanceContext {
    func enqueueLimited(key: String, limit: Int, queue: String = "default") async throws -> TaskRecord {
        try await store.enqueue(TaskRequest(taskName: "limited", queueName: queue, concurrency: .init(key: key, limit: limit)))
    }
}

extension Sequence where Element: Sendable {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
