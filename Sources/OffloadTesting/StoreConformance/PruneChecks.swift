import Foundation
import Offload

/// Deleting old finished results.
enum PruneChecks {
    static let day: TimeInterval = 86_400

    static let all: [ConformanceCheck] = [
        ConformanceCheck("prunes results finished before the age; newer ones and unfinished tasks stay") { c in
            let now = Date()
            let old = try await c.finish(3, at: now.addingTimeInterval(-8 * day))
            let recent = try await c.finish(2, at: now.addingTimeInterval(-day))
            let pending = try await c.enqueue()
            let running = try await c.enqueue(queue: "busy")
            _ = try await c.claim(1, queues: .named(["busy"]))
            c.expectEqual(try await c.store.prune(PruneRequest(age: .seconds(7 * day), now: now)), 3, "results pruned")
            for id in old {
                await c.expectError(.resultNotFound, "reading a pruned result") { _ = try await c.record(id) }
            }
            for id in recent { c.expectEqual(try await c.record(id).status, .successful, "status of a recent result") }
            c.expectEqual(try await c.record(pending.id).status, .pending, "status of a pending task")
            c.expectEqual(try await c.record(running.id).status, .running, "status of a running task")
        },
        ConformanceCheck("a dry run counts what would be pruned without deleting it") { c in
            let ids = try await c.finish(4, at: Date().addingTimeInterval(-10 * day))
            c.expectEqual(try await c.store.prune(PruneRequest(age: .seconds(day), dryRun: true)), 4, "dry-run count")
            for id in ids { c.expectEqual(try await c.record(id).status, .successful, "status after a dry run") }
        },
        ConformanceCheck("a status filter prunes only that status") { c in
            let old = Date().addingTimeInterval(-10 * day)
            let succeeded = try await c.finish(2, at: old)
            let failed = try await c.finish(3, at: old, failed: true)
            c.expectEqual(try await c.store.prune(PruneRequest(age: .seconds(day), statuses: [.failed], dryRun: true)), 3, "dry-run count of failed results")
            c.expectEqual(try await c.store.prune(PruneRequest(age: .seconds(day), statuses: [.failed])), 3, "failed results pruned")
            for id in succeeded { c.expectEqual(try await c.record(id).status, .successful, "status of a successful result") }
            for id in failed {
                await c.expectError(.resultNotFound, "reading a pruned failed result") { _ = try await c.record(id) }
            }
        },
        ConformanceCheck("pruning in chunks deletes everything that matches, whether or not the count divides evenly") { c in
            let old = Date().addingTimeInterval(-10 * day)
            _ = try await c.finish(123, at: old, queue: "a")
            c.expectEqual(try await c.store.prune(PruneRequest(age: .seconds(day), chunkSize: 10)), 123, "pruned with a partial last chunk")
            _ = try await c.finish(40, at: old, queue: "b")
            c.expectEqual(try await c.store.prune(PruneRequest(age: .seconds(day), chunkSize: 10)), 40, "pruned in whole chunks")
            c.expectEqual(try await c.store.counts().reduce(0) { $0 + $1.successful }, 0, "successful results left")
        },
        ConformanceCheck("asking to prune unfinished statuses is refused") { c in
            let task = try await c.enqueue()
            await c.expectError(.invalidOption, "pruning PENDING results") {
                _ = try await c.store.prune(PruneRequest(age: .zero, statuses: [.pending], now: Date().addingTimeInterval(day)))
            }
            c.expectEqual(try await c.record(task.id).status, .pending, "status after the refusal")
        },
    ]
}
