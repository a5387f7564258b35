import Foundation
import Offload

/// Cancelling tasks: pending ones at once, running ones through their worker's outcome or recovery.
enum CancelChecks {
    static let all: [ConformanceCheck] = [
        ConformanceCheck("a pending or delayed task cancelled becomes CANCELLED at once, with who and when, and is never claimed") { c in
            let pending = try await c.enqueue()
            let delayed = try await c.enqueue(runAfter: Date().addingTimeInterval(3600))
            let kept = try await c.enqueue()
            let now = Date()
            let results = try await c.store.cancel([pending.id, delayed.id], by: "alice@ops", at: now)
            c.expectEqual(results.map(\.effect), [.cancelled, .cancelled], "effects")
            c.expectEqual(results.map(\.previousStatus), [.pending, .pending], "statuses before")
            for id in [pending.id, delayed.id] {
                let record = try await c.record(id)
                c.expectEqual(record.status, .cancelled, "status of \(id)")
                c.expectEqual(record.cancelledBy, "alice@ops", "cancelled by")
                c.expect(c.same(record.cancelRequestedAt, now), "cancel time should be \(now): \(String(describing: record.cancelRequestedAt))")
                c.expect(c.same(record.finishedAt, now), "finished_at should be the cancel time: \(String(describing: record.finishedAt))")
                c.expectEqual(record.attempts, 0, "attempts")
            }
            let claimed = try await c.claim(10, now: now.addingTimeInterval(7200))
            c.expectEqual(claimed.map(\.id), [kept.id], "only the task not cancelled is claimed")
            c.expectEqual(try await c.store.counts().first?.cancelled, 2, "CANCELLED tasks counted")
            c.expectEqual(try await c.store.records(matching: TaskFilter(status: .cancelled)).map(\.id).sorted(), [pending.id, delayed.id].sorted(), "CANCELLED tasks listed")
        },
        ConformanceCheck("cancelling a finished task, or an unknown id, changes nothing and says so") { c in
            let done = try await c.finish(1, at: Date())
            let failed = try await c.finish(1, at: Date(), failed: true)
            let before = try await c.record(done[0])
            let results = try await c.store.cancel([done[0], failed[0], TaskResultID(987_654)], by: "bob", at: Date())
            c.expectEqual(results.map(\.effect), [.alreadyFinished, .alreadyFinished, .notFound], "effects")
            c.expectEqual(results.map(\.previousStatus), [.successful, .failed, nil], "statuses")
            c.expectEqual(try await c.record(done[0]), before, "the successful task, unchanged")
            c.expectEqual(try await c.record(failed[0]).status, .failed, "the failed task's status")
            let pending = try await c.enqueue()
            _ = try await c.store.cancel([pending.id], by: "bob", at: Date())
            c.expectEqual(try await c.store.cancel([pending.id], by: "carol", at: Date()).map(\.effect), [.alreadyFinished], "cancelling twice")
            c.expectEqual(try await c.record(pending.id).cancelledBy, "bob", "the first canceller is kept")
        },
        ConformanceCheck("a running task cancelled is marked, its worker is told, and it ends CANCELLED whatever its attempt's outcome") { c in
            let succeeding = try await c.enqueue()
            let retrying = try await c.enqueue(retry: .exponential(maxAttempts: 3, initial: .seconds(1), jitter: 0))
            let failing = try await c.enqueue()
            let untouched = try await c.enqueue()
            let claimed = try await c.claim(4, worker: "w1")
            c.expectEqual(claimed.count, 4, "claimed")
            let now = Date()
            let results = try await c.store.cancel([succeeding.id, retrying.id, failing.id], by: "ops", at: now)
            c.expectEqual(results.map(\.effect), [.requested, .requested, .requested], "effects")
            c.expectEqual(try await c.store.cancel([succeeding.id], by: "ops", at: now).map(\.effect), [.alreadyRequested], "asking again")
            c.expectEqual(try await c.record(succeeding.id).status, .running, "still RUNNING until its worker stops it")
            c.expectEqual(try await c.store.cancelRequests(ofWorker: "w1"), [succeeding.id, retrying.id, failing.id], "what the worker learns")
            c.expectEqual(try await c.store.cancelRequests(ofWorker: "w2"), [], "another worker learns nothing")
            let finishedAt = now.addingTimeInterval(1)
            try await c.complete([
                TaskOutcome(id: succeeding.id, workerID: "w1", result: .succeeded(returnValue: "1"), finishedAt: finishedAt),
                TaskOutcome(id: retrying.id, workerID: "w1", result: .failed(c.attemptError("CancellationError"), retryAt: finishedAt), finishedAt: finishedAt),
                TaskOutcome(id: failing.id, workerID: "w1", result: .failed(c.attemptError("CancellationError"), retryAt: nil), finishedAt: finishedAt),
                TaskOutcome(id: untouched.id, workerID: "w1", result: .succeeded(returnValue: "2"), finishedAt: finishedAt),
            ])
            for id in [succeeding.id, retrying.id, failing.id] {
                let record = try await c.record(id)
                c.expectEqual(record.status, .cancelled, "status of \(id)")
                c.expectEqual(record.cancelledBy, "ops", "cancelled by, for \(id)")
                c.expect(c.same(record.finishedAt, finishedAt), "finished_at of \(id) should be its attempt's end: \(String(describing: record.finishedAt))")
            }
            c.expectEqual(try await c.record(retrying.id).errors.map(\.message), ["CancellationError"], "the cancelled attempt's error is kept")
            c.expectEqual(try await c.record(untouched.id).status, .successful, "the task nobody cancelled")
            c.expectEqual(try await c.claim(10, now: now.addingTimeInterval(3600)).map(\.id), [], "nothing is claimed again")
            c.expectEqual(try await c.store.cancelRequests(ofWorker: "w1"), [], "requests once settled")
        },
        ConformanceCheck("recovering a cancelled running task ends it CANCELLED with the loss recorded, and a prefetched one CANCELLED uncounted") { c in
            let started = try await c.enqueue(priority: 10, retry: .exponential(maxAttempts: 5))
            let prefetched = try await c.enqueue(retry: .exponential(maxAttempts: 5))
            let other = try await c.enqueue(priority: -10, retry: .exponential(maxAttempts: 5))
            _ = try await c.store.complete([], thenClaim: ClaimRequest(workerID: "w1", queues: .all, limit: 3, startingAtOnce: 1))
            _ = try await c.store.cancel([started.id, prefetched.id], by: "ops", at: Date())
            let now = Date()
            let loss = WorkerLoss(
                workerID: "w1", exceptionType: TaskFailureKind.workerDied, message: "killed", startedTaskIDs: [started.id],
                taskReasons: [started.id: WorkerLoss.Reason(exceptionType: TaskFailureKind.cancelled, message: "ignored its cancellation")])
            let recovered = try await c.store.recoverTasks(of: loss, at: now)
            c.expectEqual(
                Set(recovered.map { "\($0.id):\($0.newStatus):\($0.attemptCounted)" }),
                ["\(started.id):CANCELLED:true", "\(prefetched.id):CANCELLED:false", "\(other.id):PENDING:false"], "recovered tasks")
            let record = try await c.record(started.id)
            c.expectEqual(record.status, .cancelled, "status of the started task")
            c.expect(c.same(record.finishedAt, now), "finished_at should be the recovery time")
            c.expectEqual(record.errors.map(\.exceptionType), [TaskFailureKind.cancelled], "the loss's reason is recorded")
            let unstarted = try await c.record(prefetched.id)
            c.expectEqual(unstarted.status, .cancelled, "status of the prefetched task")
            c.expectEqual(unstarted.attempts, 0, "attempts of the prefetched task")
            c.expect(unstarted.finishedAt != nil, "the prefetched task has a finish time, so that pruning can remove it")
            c.expectEqual(try await c.claim(10, worker: "w2", now: now.addingTimeInterval(3600)).map(\.id), [other.id], "only the task not cancelled runs again")
        },
        ConformanceCheck("a worker handing back a cancelled prefetched task ends it CANCELLED, not PENDING") { c in
            let task = try await c.enqueue()
            _ = try await c.claim(1, worker: "w1")
            _ = try await c.store.cancel([task.id], by: "ops", at: Date())
            try await c.store.releaseUnstarted([task.id], workerID: "w1")
            c.expectEqual(try await c.record(task.id).status, .cancelled, "status")
            c.expectEqual(try await c.claim(1, worker: "w2").map(\.id), [], "claimed again")
        },
        ConformanceCheck("prune removes old CANCELLED results, alone or with the other finished ones") { c in
            let day: TimeInterval = 86_400
            let now = Date()
            var cancelled: [TaskResultID] = []
            for _ in 0..<3 { cancelled.append(try await c.enqueue().id) }
            _ = try await c.store.cancel(cancelled, by: "ops", at: now.addingTimeInterval(-3 * day))
            let recent = try await c.enqueue()
            _ = try await c.store.cancel([recent.id], by: "ops", at: now)
            _ = try await c.finish(2, at: now.addingTimeInterval(-3 * day))
            c.expectEqual(try await c.store.prune(PruneRequest(age: .seconds(day), statuses: [.cancelled], dryRun: true, now: now)), 3, "dry-run count of CANCELLED results")
            c.expectEqual(try await c.store.prune(PruneRequest(age: .seconds(day), statuses: [.cancelled], now: now, chunkSize: 2)), 3, "CANCELLED results pruned")
            c.expectEqual(try await c.store.records(matching: TaskFilter(status: .cancelled)).map(\.id), [recent.id], "the recent one is kept")
            c.expectEqual(try await c.store.records(matching: TaskFilter(status: .successful)).count, 2, "SUCCESSFUL results are left")
            let more = try await c.enqueue()
            _ = try await c.store.cancel([more.id], by: "ops", at: now.addingTimeInterval(-3 * day))
            c.expectEqual(try await c.store.prune(PruneRequest(age: .seconds(day), now: now)), 3, "the default prunes every finished status")
        },
        ConformanceCheck("garbage in the cancellation columns costs its own task at most") { c in
            guard let poison = c.subject.poison else { return }
            let bad = try await c.enqueue(priority: 10)
            let good = try await c.enqueue()
            _ = try await c.claim(2, worker: "w1")
            do {
                // What SQLite can hold; PostgreSQL's types refuse it, and get their own oddities instead.
                try await poison(bad.id, PoisonedValue(column: "cancel_requested_at", assignment: "cancel_requested_at = 'soon', cancelled_by = x'00ff'", unreadable: true))
            } catch {
                try await poison(bad.id, PoisonedValue(column: "cancel_requested_at", assignment: "cancel_requested_at = '-infinity', cancelled_by = E'\\x1b[31mred'", unreadable: false))
            }
            c.expectEqual(try await c.store.records(matching: TaskFilter()).count, 2, "both tasks are listed")
            c.expectEqual(try await c.store.cancelRequests(ofWorker: "w1"), [bad.id], "the damaged task reads as cancelled")
            c.expectEqual(try await c.store.cancel([bad.id, good.id], by: "ops", at: Date()).map(\.effect), [.alreadyRequested, .requested], "cancelling both")
            try await c.complete([
                TaskOutcome(id: bad.id, workerID: "w1", result: .succeeded(returnValue: "1")),
                TaskOutcome(id: good.id, workerID: "w1", result: .succeeded(returnValue: "2")),
            ])
            let statuses = try await c.store.records(matching: TaskFilter()).map { "\($0.id):\($0.status)" }
            c.expectEqual(Set(statuses), ["\(bad.id):CANCELLED", "\(good.id):CANCELLED"], "statuses")
            let healthy = try await c.enqueue()
            c.expectEqual(try await c.claim(1, worker: "w2").map(\.id), [healthy.id], "the queue goes on")
        },
    ]
}
