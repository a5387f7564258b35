import Foundation
import Offload

/// The metrics' counters (docs/metrics.md): right after a run of tasks, and never lower after a prune or an
/// admin retry, on every store.
enum CounterChecks {
    static let day: TimeInterval = 86_400

    static let all: [ConformanceCheck] = [
        ConformanceCheck("counters count enqueued, finished and retried tasks and keep their values across a prune") { c in
            let retrying = RetryPolicy(maxAttempts: 2, initialBackoff: .milliseconds(1), maximumBackoff: .milliseconds(1), jitter: 0)
            let flaky = try await c.enqueue("flaky", queue: "q", retry: retrying)
            _ = try await c.enqueue("steady", queue: "q")
            _ = try await c.enqueue("doomed", queue: "q")
            let now = Date()
            let first = try await c.claim(3, queues: .named(["q"]), now: now)
            c.expectEqual(first.count, 3, "tasks claimed")
            let longAgo = now.addingTimeInterval(-10 * day)
            try await c.complete(first.map { task in
                let result: TaskOutcome.Result = switch task.taskName {
                case "flaky": .failed(c.attemptError(), retryAt: longAgo)
                case "steady": .succeeded(returnValue: "null")
                default: .failed(c.attemptError(), retryAt: nil)
                }
                return TaskOutcome(id: task.id, workerID: "w1", result: result, finishedAt: longAgo)
            })
            let second = try await c.claim(1, queues: .named(["q"]), now: now)
            c.expectEqual(second.map(\.id), [flaky.id], "the retried task claimed again")
            try await c.complete([TaskOutcome(id: flaky.id, workerID: "w1", result: .succeeded(returnValue: "null"), finishedAt: longAgo)])
            let expected: [Tally: Int] = [
                Tally("q", "flaky", "enqueued"): 1, Tally("q", "steady", "enqueued"): 1, Tally("q", "doomed", "enqueued"): 1,
                Tally("q", "flaky", "SUCCESSFUL"): 1, Tally("q", "steady", "SUCCESSFUL"): 1, Tally("q", "doomed", "FAILED"): 1,
                Tally("q", "flaky", "retried"): 1,
                Tally("q", "flaky", "wait"): 1, Tally("q", "steady", "wait"): 1, Tally("q", "doomed", "wait"): 1,
                Tally("q", "flaky", "run:SUCCESSFUL"): 1, Tally("q", "steady", "run:SUCCESSFUL"): 1, Tally("q", "doomed", "run:FAILED"): 1,
            ]
            c.expectEqual(try await tallies(c.store), expected, "counters after the run")
            c.expectEqual(try await c.store.prune(PruneRequest(age: .seconds(day), now: now)), 3, "results pruned")
            c.expectEqual(try await tallies(c.store), expected, "counters after the prune")
            c.expectEqual(try await tallies(try await c.subject.openAnother()), expected, "counters read by another process")
        },
        ConformanceCheck("an admin retry of a failed task keeps its failure and its run time counted") { c in
            let task = try await c.enqueue("doomed", queue: "q")
            _ = try await c.claim(1, queues: .named(["q"]))
            try await c.complete([TaskOutcome(id: task.id, workerID: "w1", result: .failed(c.attemptError(), retryAt: nil))])
            _ = try await c.store.retry(id: task.id, at: Date())
            let counted = try await tallies(c.store)
            c.expectEqual(counted[Tally("q", "doomed", "FAILED")], 1, "failed count after the admin retry")
            c.expectEqual(counted[Tally("q", "doomed", "run:FAILED")], 1, "failed run observations after the admin retry")
            c.expectEqual(counted[Tally("q", "doomed", "retried")], 1, "the admin retry counts as a retried attempt")
            c.expectEqual(counted[Tally("q", "doomed", "enqueued")], 1, "enqueued count")
        },
        ConformanceCheck("recovery after a worker died counts a recovered attempt; a prefetched task given back counts none") { c in
            let started = try await c.enqueue("lost", queue: "q", retry: RetryPolicy(maxAttempts: 3))
            let prefetched = try await c.enqueue("lost", queue: "q")
            let claimed = try await c.claim(2, queues: .named(["q"]))
            c.expectEqual(claimed.count, 2, "tasks claimed")
            let loss = WorkerLoss(workerID: "w1", exceptionType: TaskFailureKind.workerDied, message: "killed", startedTaskIDs: [started.id])
            _ = try await c.store.recoverTasks(of: loss, at: Date())
            let counted = try await tallies(c.store)
            c.expectEqual(counted[Tally("q", "lost", "recovered")], 1, "recovered attempts")
            c.expectEqual(counted[Tally("q", "lost", "retried")], 1, "retried attempts")
            c.expectEqual(counted[Tally("q", "lost", "wait")], 1, "wait observations: the prefetched task never started")
            c.expectEqual(try await c.record(prefetched.id).status, .pending, "the prefetched task is pending again")
        },
        ConformanceCheck("event counts add up across calls and processes") { c in
            try await c.store.addEventCounts(["supervisor:spawned": 2, "supervisor:crashed": 1, "supervisor:reloaded": 0])
            try await c.subject.openAnother().addEventCounts(["supervisor:spawned": 3])
            let counted = try await tallies(c.store)
            c.expectEqual(counted[Tally("", "", "supervisor:spawned")], 5, "spawns counted")
            c.expectEqual(counted[Tally("", "", "supervisor:crashed")], 1, "crashes counted")
            c.expectEqual(counted[Tally("", "", "supervisor:reloaded")], nil, "a zero count stores nothing")
        },
        ConformanceCheck("gauges count ready, delayed and running tasks per queue and the oldest ready task's due time") { c in
            let now = Date()
            _ = try await c.enqueue(queue: "a", runAfter: now.addingTimeInterval(-60))
            _ = try await c.enqueue(queue: "a", runAfter: now.addingTimeInterval(-5))
            _ = try await c.enqueue(queue: "a", runAfter: now.addingTimeInterval(3600))
            _ = try await c.enqueue(queue: "b")
            _ = try await c.claim(1, queues: .named(["b"]))
            let gauges = try await c.store.queueGauges(at: now)
            c.expectEqual(gauges.map(\.queueName), ["a", "b"], "queues")
            c.expectEqual(gauges.first.map { [$0.ready, $0.delayed, $0.running] }, [2, 1, 0], "queue a")
            c.expectEqual(gauges.last.map { [$0.ready, $0.delayed, $0.running] }, [0, 0, 1], "queue b")
            c.expect(c.same(gauges.first?.oldestReadySince, now.addingTimeInterval(-60)), "oldest ready since: \(String(describing: gauges.first?.oldestReadySince))")
        },
        ConformanceCheck("garbage in a row costs no scrape and no prune of the rows around it") { c in
            guard let poison = c.subject.poison else { return }
            for value in c.subject.poisonedValues {
                let bad = try await c.enqueue("bad", queue: "garbage")
                try await poison(bad.id, value)
                _ = try await c.store.metricsRows()
                _ = try await c.store.queueGauges(at: Date())
            }
            _ = try await c.finish(2, at: Date().addingTimeInterval(-10 * day), queue: "healthy")
            c.expectEqual(try await c.store.prune(PruneRequest(age: .seconds(day))), 2, "healthy results pruned beside the garbage")
            c.expectEqual(try await tallies(c.store)[Tally("healthy", "t", "SUCCESSFUL")], 2, "successful count after the prune")
        },
    ]

    struct Tally: Hashable, CustomStringConvertible {
        var queue: String
        var task: String
        var event: String
        init(_ queue: String, _ task: String, _ event: String) {
            self.queue = queue
            self.task = task
            self.event = event
        }
        var description: String { "\(queue)/\(task)/\(event)" }
    }

    /// Counts summed over buckets, per queue, task and event; zero counts left out.
    static func tallies(_ store: any TaskStore) async throws -> [Tally: Int] {
        var result: [Tally: Int] = [:]
        for row in try await store.metricsRows() where row.count > 0 {
            result[Tally(row.queueName, row.taskName, row.event), default: 0] += row.count
        }
        return result
    }
}
