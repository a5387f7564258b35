import Foundation
import Offload

/// Which tasks a claim takes, in what order, and what it records.
enum ClaimingChecks {
    static let all: [ConformanceCheck] = [
        ConformanceCheck("claims the highest priority first, then the earliest run-after, then the order of enqueueing") { c in
            let now = Date()
            let low = try await c.enqueue("low", priority: -5)
            let first = try await c.enqueue("first")
            let high = try await c.enqueue("high", priority: 50)
            let second = try await c.enqueue("second")
            // Enqueued last but due earliest among the priority-0 tasks.
            let early = try await c.enqueue("early", runAfter: now.addingTimeInterval(-60))
            var order: [TaskResultID] = []
            for _ in 0..<5 { order += try await c.claim(1).map(\.id) }
            c.expectEqual(order, [high.id, early.id, first.id, second.id, low.id], "claim order")
        },
        ConformanceCheck("returns a batch claim in the order the tasks were chosen") { c in
            let a = try await c.enqueue(priority: 1)
            let b = try await c.enqueue(priority: 9)
            let d = try await c.enqueue(priority: 1)
            let e = try await c.enqueue(priority: -1)
            c.expectEqual(try await c.claim(10).map(\.id), [b.id, a.id, d.id, e.id], "batch order")
        },
        ConformanceCheck("does not claim a task before its run-after time") { c in
            let now = Date()
            let later = try await c.enqueue(runAfter: now.addingTimeInterval(60))
            c.expect(try await c.claim(1, now: now).isEmpty, "a task due in 60 s was claimed now")
            c.expectEqual(try await c.claim(1, now: now.addingTimeInterval(61)).map(\.id), [later.id], "claim once due")
        },
        ConformanceCheck("claims only from the selected queues") { c in
            try await c.enqueue(queue: "reports")
            let email = try await c.enqueue(queue: "email")
            let fallback = try await c.enqueue(queue: "default")
            let claimed = try await c.claim(5, queues: .named(["email", "default"])).map(\.id)
            c.expectEqual(Set(claimed), [email.id, fallback.id], "tasks claimed from email and default")
            c.expectEqual(try await c.claim(5, queues: .all).count, 1, "tasks left for a worker of every queue")
        },
        ConformanceCheck("claiming marks the task RUNNING, counts an attempt, sets started_at once and lists each worker") { c in
            let firstClaimTime = Date().addingTimeInterval(-10)
            let task = try await c.enqueue(runAfter: firstClaimTime.addingTimeInterval(-10), retry: .exponential(maxAttempts: 3))
            let first = try c.require(try await c.claim(1, worker: "w7", now: firstClaimTime).first, "the task was not claimed")
            c.expectEqual(first.attempt, 1, "first attempt number")
            c.expectEqual(first.taskName, "t", "claimed task name")
            c.expectEqual(first.retry, RetryPolicy.exponential(maxAttempts: 3), "claimed retry policy")
            var record = try await c.record(task.id)
            c.expectEqual(record.status, .running, "status after claim")
            c.expectEqual(record.attempts, 1, "attempts after claim")
            c.expectEqual(record.workerIDs, ["w7"], "workers after claim")
            c.expect(c.same(record.startedAt, firstClaimTime), "started_at should be the claim time, is \(String(describing: record.startedAt))")
            c.expect(c.same(record.lastAttemptedAt, firstClaimTime), "last_attempted_at should be the claim time")

            try await c.complete([TaskOutcome(id: task.id, workerID: "w7", result: .failed(c.attemptError(worker: "w7"), retryAt: firstClaimTime))])
            let secondClaimTime = Date()
            let second = try c.require(try await c.claim(1, worker: "w8", now: secondClaimTime).first, "the retried task was not claimed again")
            c.expectEqual(second.attempt, 2, "second attempt number")
            record = try await c.record(task.id)
            c.expectEqual(record.workerIDs, ["w7", "w8"], "workers after the second claim")
            c.expect(c.same(record.startedAt, firstClaimTime), "started_at must keep the first attempt's time")
            c.expect(c.same(record.lastAttemptedAt, secondClaimTime), "last_attempted_at should be the second claim's time")
        },
        ConformanceCheck("never claims the same task twice with concurrent claimers on separate connections") { c in
            let total = 400
            for index in 0..<total { try await c.enqueue("t\(index)", priority: index % 7 - 3) }
            let openAnother = c.subject.openAnother
            let claimedIDs = try await withThrowingTaskGroup(of: [TaskResultID].self) { group in
                for worker in 0..<4 {
                    group.addTask {
                        // Each claimer has its own store (connections), as separate processes would.
                        let store = try await openAnother()
                        var ids: [TaskResultID] = []
                        while true {
                            let batch = try await store.complete([], thenClaim: ClaimRequest(workerID: "w\(worker)", queues: .all, limit: 7))
                            if batch.isEmpty { return ids }
                            ids += batch.map(\.id)
                        }
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            c.expectEqual(claimedIDs.count, total, "claims made")
            c.expectEqual(Set(claimedIDs).count, total, "distinct tasks claimed")
        },
        ConformanceCheck("hasReadyTask and nextRunAfter see only what is due in the selected queues") { c in
            let now = Date()
            c.expectEqual(try await c.store.hasReadyTask(in: .all, at: now), false, "ready in an empty store")
            c.expectEqual(try await c.store.nextRunAfter(in: .all), nil, "next run-after in an empty store")
            try await c.enqueue(queue: "email", runAfter: now.addingTimeInterval(10))
            c.expectEqual(try await c.store.hasReadyTask(in: .all, at: now), false, "ready before the run-after")
            c.expectEqual(try await c.store.hasReadyTask(in: .all, at: now.addingTimeInterval(11)), true, "ready after the run-after")
            c.expectEqual(try await c.store.hasReadyTask(in: .named(["default"]), at: now.addingTimeInterval(11)), false, "ready in another queue")
            let next = try c.require(try await c.store.nextRunAfter(in: .named(["email"])), "no next run-after for email")
            c.expect(c.same(next, now.addingTimeInterval(10)), "next run-after should be \(now.addingTimeInterval(10)), is \(next)")
            c.expectEqual(try await c.store.nextRunAfter(in: .named(["default"])), nil, "next run-after of an empty queue")
        },
        ConformanceCheck("a claim with nothing ready, or a limit of 0, claims nothing") { c in
            c.expect(try await c.claim(5).isEmpty, "claimed from an empty store")
            let task = try await c.enqueue()
            c.expect(try await c.claim(0).isEmpty, "a claim with limit 0 claimed something")
            c.expectEqual(try await c.record(task.id).status, .pending, "status after a claim with limit 0")
        },
        ConformanceCheck("stores a task's fields as given and reads them back") { c in
            let runAfter = Date().addingTimeInterval(3600)
            let request = TaskRequest(
                taskName: "Mail.Send", queueName: "email", priority: -100, backend: "default",
                arguments: #"{"to":"ada@example.com","ids":[1,2,3],"note":"é ✓ \"quoted\""}"#,
                runAfter: runAfter, retry: .exponential(maxAttempts: 4, initial: .milliseconds(250), maximum: .seconds(60), jitter: 0.5),
                timeout: .milliseconds(1500))
            let enqueued = try await c.store.enqueue(request)
            let record = try await c.record(enqueued.id)
            c.expectEqual(record.taskName, request.taskName, "task name")
            c.expectEqual(record.queueName, request.queueName, "queue name")
            c.expectEqual(record.priority, -100, "priority")
            c.expectEqual(record.arguments, request.arguments, "arguments, byte for byte")
            c.expectEqual(record.retry, request.retry, "retry policy")
            c.expectEqual(record.timeout, .milliseconds(1500), "timeout")
            c.expectEqual(record.status, .pending, "status")
            c.expect(c.same(record.runAfter, runAfter), "run-after should be \(runAfter), is \(record.runAfter)")
            c.expect(c.same(record.enqueuedAt, enqueued.enqueuedAt), "enqueued-at should match what enqueue returned")
            c.expectEqual(record.workerIDs, [], "workers")
            c.expectEqual(record.errors, [], "errors")
        },
        ConformanceCheck("refuses arguments over the default size limit of 1 MiB") { c in
            let payload = String(repeating: "x", count: TaskRequest.defaultMaximumArgumentsSize)
            await c.expectError(.argumentsTooLarge, "enqueueing 1 MiB of arguments") {
                _ = try await c.enqueue(arguments: #"{"p":"\#(payload)"}"#)
            }
            c.expectEqual(try await c.store.records(matching: TaskFilter()).count, 0, "tasks stored after the refusal")
        },
        ConformanceCheck("enqueues a batch in order, all or nothing") { c in
            let requests = (0..<3).map { TaskRequest(taskName: "t", arguments: #"{"n":\#($0)}"#) }
            let stored = try await c.store.enqueue(batch: requests)
            c.expectEqual(stored.map(\.arguments), requests.map(\.arguments), "arguments of the stored batch")
            c.expectEqual(try await c.claim(3).map(\.id), stored.map(\.id), "claim order of an equal-priority batch")
            c.expectEqual(try await c.store.enqueue(batch: []), [], "an empty batch")

            let later = Date().addingTimeInterval(3600)
            let detailed = TaskRequest(taskName: "d", queueName: "email", priority: -7, arguments: "[1]", runAfter: later, retry: .exponential(maxAttempts: 4, initial: .milliseconds(250)), timeout: .seconds(9))
            let plain = TaskRequest(taskName: "p")
            let pair = try await c.store.enqueue(batch: [detailed, plain])
            for (record, request) in zip(pair, [detailed, plain]) {
                let read = try await c.record(record.id)
                c.expectEqual([read.taskName, read.queueName, read.arguments], [request.taskName, request.queueName, request.arguments], "names and arguments read back")
                c.expectEqual(read.priority, request.priority, "priority read back")
                c.expectEqual(read.retry, request.retry, "retry policy read back")
                c.expectEqual(read.timeout, request.timeout, "timeout read back")
                c.expect(c.same(read.runAfter, record.runAfter), "run-after read back")
            }
            c.expect(c.same(pair[0].runAfter, later), "the run-after given")

            let payload = String(repeating: "x", count: TaskRequest.defaultMaximumArgumentsSize)
            let poisoned = [TaskRequest(taskName: "t"), TaskRequest(taskName: "t", arguments: #"{"p":"\#(payload)"}"#)]
            await c.expectError(.argumentsTooLarge, "a batch with one oversized task") {
                _ = try await c.store.enqueue(batch: poisoned)
            }
            c.expectEqual(try await c.store.records(matching: TaskFilter()).count, 5, "tasks stored after the refused batch")
        },
    ]
}
