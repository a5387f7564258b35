import Foundation
import Offload

/// The web console's queries: keyset pages with filters, delete finished, run now, per-minute and oldest-ready figures.
enum ConsoleQueryChecks {
    static let all: [ConformanceCheck] = [
        ConformanceCheck("the task list pages by keyset, newest first, without gaps or repeats") { c in
            var ids: [TaskResultID] = []
            for _ in 0..<7 { ids.append(try await c.enqueue().id) }
            var seen: [TaskResultID] = []
            var cursor: TaskResultID?
            for _ in 0..<5 {
                let page = try await c.store.tasks(matching: TaskListQuery(before: cursor, limit: 3))
                seen += page.map(\.id)
                guard page.count == 3 else { break }
                cursor = page.last?.id
            }
            c.expectEqual(seen, ids.reversed(), "ids over every page")
        },
        ConformanceCheck("the task list filters by status, queue, name, enqueue time and text in arguments") { c in
            let early = Date().addingTimeInterval(-3600)
            // First, as `finish` claims the oldest task of its queue.
            let failed = try await c.finish(1, at: Date(), failed: true, queue: "email")
            _ = try await c.enqueue("mail", queue: "email", arguments: #"{"to":"ann@example.com"}"#)
            let bob = try await c.enqueue("mail", queue: "email", arguments: #"{"to":"bob@example.com"}"#)
            _ = try await c.enqueue("report", queue: "default", arguments: #"{"to":"bob@example.com"}"#)
            func ids(_ query: TaskListQuery) async throws -> [TaskResultID] { try await c.store.tasks(matching: query).map(\.id) }
            c.expectEqual(try await ids(TaskListQuery(statuses: [.failed])), failed, "FAILED tasks")
            c.expectEqual(try await ids(TaskListQuery(queueName: "email", taskName: "mail", argumentsContain: "bob@")), [bob.id], "email mail to bob")
            c.expectEqual(try await ids(TaskListQuery(argumentsContain: "bob@")).count, 2, "tasks to bob")
            c.expectEqual(try await ids(TaskListQuery(enqueuedBefore: early)), [], "tasks enqueued an hour ago")
            c.expectEqual(try await ids(TaskListQuery(enqueuedFrom: early)).count, 4, "tasks enqueued in the last hour")
            c.expectEqual(try await ids(TaskListQuery(argumentsContain: "%")), [], "a LIKE wildcard is plain text")
        },
        ConformanceCheck("deleting by id removes finished tasks only") { c in
            let done = try await c.finish(2, at: Date())
            let pending = try await c.enqueue()
            let deleted = try await c.store.deleteFinished(ids: done + [pending.id, TaskResultID(999_999)])
            c.expectEqual(deleted, done.sorted(), "ids deleted")
            c.expectEqual(try await c.record(pending.id).status, .pending, "the pending task")
            for id in done { await c.expectError(.resultNotFound, "reading a deleted task") { _ = try await c.record(id) } }
        },
        ConformanceCheck("run now makes a delayed task ready and leaves others alone") { c in
            let later = try await c.enqueue(runAfter: Date().addingTimeInterval(3600))
            let ready = try await c.enqueue()
            let now = Date()
            c.expectEqual(try await c.store.runNow(ids: [later.id, ready.id], at: now), [later.id], "ids made ready")
            c.expect(abs(try await c.record(later.id).runAfter.timeIntervalSince(now)) < 0.01, "runAfter of the delayed task is now")
            c.expectEqual(try await c.claim(5).map(\.id).sorted(), [later.id, ready.id].sorted(), "claimed at once")
        },
        ConformanceCheck("finished tasks are counted per minute, and the oldest ready task per queue is found") { c in
            let now = Date()
            _ = try await c.finish(3, at: now.addingTimeInterval(-120))
            _ = try await c.finish(2, at: now.addingTimeInterval(-120), failed: true)
            _ = try await c.finish(1, at: now.addingTimeInterval(-7200))
            let minutes = try await c.store.finishedPerMinute(since: now.addingTimeInterval(-3600))
            c.expectEqual(minutes.map(\.succeeded).reduce(0, +), 3, "succeeded in the hour")
            c.expectEqual(minutes.map(\.failed).reduce(0, +), 2, "failed in the hour")
            let first = try await c.enqueue(queue: "slow", runAfter: now.addingTimeInterval(-60))
            _ = try await c.enqueue(queue: "slow")
            _ = try await c.enqueue(queue: "later", runAfter: now.addingTimeInterval(600))
            let oldest = try await c.store.oldestReady(at: now)
            c.expect(c.same(oldest["slow"], first.runAfter), "oldest ready of slow: \(String(describing: oldest["slow"])) vs \(first.runAfter)")
            c.expect(oldest["later"] == nil, "a queue with only delayed tasks has no ready age")
        },
    ]
}
