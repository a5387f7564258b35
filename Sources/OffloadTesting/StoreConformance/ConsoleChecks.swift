import Foundation
import Offload

/// The console's bounded queries: the Overview's counts without counting every finished row, and a task list
/// that stops after a bounded number of rows when its filter has no index to search.
enum ConsoleChecks {
    static let all: [ConformanceCheck] = [
        ConformanceCheck("the overview counts live tasks in full and finished ones since the window's start, a garbage row included") { c in
            let now = Date()
            _ = try await c.finish(2, at: now.addingTimeInterval(-60), queue: "email")
            _ = try await c.finish(1, at: now.addingTimeInterval(-120), failed: true, queue: "email")
            _ = try await c.finish(3, at: now.addingTimeInterval(-2 * 86_400), failed: true, queue: "email")
            let cancelled = try await c.enqueue(queue: "email")
            _ = try await c.store.cancel([cancelled.id], by: "test", at: now)
            let oldest = try await c.enqueue(queue: "email", runAfter: now.addingTimeInterval(-30))
            _ = try await c.enqueue(queue: "email")
            _ = try await c.enqueue(queue: "email", runAfter: now.addingTimeInterval(3600))
            _ = try await c.enqueue(queue: "reports")
            _ = try await c.claim(1, queues: .named(["reports"]))
            let garbage = try await c.enqueue(queue: "reports")
            if let poison = c.subject.poison, let value = c.subject.poisonedValues.first(where: { $0.column == "run_after" }) {
                try await poison(garbage.id, value)
            }
            // Asked after the enqueues, so that the task enqueued without a delay is ready.
            let recent = try await c.store.recentCounts(finishedSince: now.addingTimeInterval(-86_400), finishedLimit: 1000, at: Date())
            c.expect(!recent.finishedLimited && c.same(recent.finishedSince, now.addingTimeInterval(-86_400)), "the window asked for: \(recent.finishedSince), limited \(recent.finishedLimited)")
            let counts = recent.queues
            c.expectEqual(counts.map(\.queueName), ["email", "reports"], "queues")
            let email = try c.require(counts.first { $0.queueName == "email" }, "email's counts")
            c.expectEqual([email.ready, email.delayed, email.running], [2, 1, 0], "email's ready, delayed, running")
            c.expectEqual([email.succeeded, email.failed, email.cancelled], [2, 1, 1], "email's finished in the window (the failures of two days ago left out)")
            c.expect(c.same(email.oldestReadySince, oldest.runAfter), "email's oldest ready: \(String(describing: email.oldestReadySince)) vs \(oldest.runAfter)")
            let reports = try c.require(counts.first { $0.queueName == "reports" }, "reports' counts")
            c.expectEqual(reports.running, 1, "reports running")
            c.expectEqual(reports.pending, 1, "reports pending: the row with a garbage run-after is still counted")
            c.expectEqual([reports.succeeded, reports.failed, reports.cancelled], [0, 0, 0], "reports finished")
            // Two finished a minute ago, one two minutes ago: a limit of two cuts the window at a minute ago.
            let limited = try await c.store.recentCounts(finishedSince: now.addingTimeInterval(-86_400), finishedLimit: 2, at: Date())
            c.expect(limited.finishedLimited, "more than two finished in the day: the window is cut")
            c.expect(abs(limited.finishedSince.timeIntervalSince(now.addingTimeInterval(-60))) < 0.01, "the cut window starts at the second most recent finish: \(limited.finishedSince)")
            let cut = try c.require(limited.queues.first { $0.queueName == "email" }, "email's counts in the cut window")
            c.expectEqual([cut.succeeded, cut.failed, cut.cancelled, cut.ready], [2, 0, 1, 2], "email's succeeded, failed, cancelled (since the cut), ready (in full)")
        },
        ConformanceCheck("the task list stops after the examine limit when the page is not full, and its cursor continues the search") { c in
            var ids: [TaskResultID] = []
            for index in 0..<9 { ids.append(try await c.enqueue(arguments: index % 4 == 0 ? #"{"find":"me"}"# : "{}").id) }
            // Matches: ids[8], ids[4], ids[0]. Examining 3 rows at a time finds one, then one, then one.
            var query = TaskListQuery(argumentsContain: "me", limit: 5)
            query.examineLimit = 3
            var found: [TaskResultID] = []
            var stops = 0
            for _ in 0..<5 {
                let page = try await c.store.taskPage(matching: query)
                found += page.tasks.map(\.id)
                if page.searchStopped { stops += 1 }
                guard let next = page.nextCursor else { break }
                query.before = next
            }
            c.expectEqual(found, [ids[8], ids[4], ids[0]], "matches over every page")
            c.expectEqual(stops, 2, "pages that stopped at the examine limit (the third reached the end)")
            var full = TaskListQuery(limit: 2)
            full.examineLimit = 3
            let page = try await c.store.taskPage(matching: full)
            c.expectEqual(page.tasks.map(\.id), [ids[8], ids[7]], "an unfiltered page")
            c.expectEqual(page.nextCursor, ids[7], "a full page's cursor is its last id")
            c.expect(!page.searchStopped, "a full page did not stop")
        },
        ConformanceCheck("the task list of live statuses searches them whatever the examine limit, with every filter") { c in
            let old = try await c.enqueue("mail", queue: "email")
            _ = try await c.claim(1, queues: .named(["email"]))
            let waiting = try await c.enqueue("mail", queue: "email")
            _ = try await c.finish(6, at: Date())
            let other = try await c.enqueue("report", queue: "default")
            var query = TaskListQuery(statuses: [.pending, .running], limit: 10)
            query.examineLimit = 2
            let live = try await c.store.taskPage(matching: query)
            c.expectEqual(live.tasks.map(\.id), [other.id, waiting.id, old.id], "pending and running tasks, newest first")
            c.expect(!live.searchStopped && live.nextCursor == nil, "the whole answer in one page")
            query.queueName = "email"
            query.statuses = [.pending]
            c.expectEqual(try await c.store.taskPage(matching: query).tasks.map(\.id), [waiting.id], "pending in email")
            query.statuses = [.running]
            query.taskName = "mail"
            c.expectEqual(try await c.store.taskPage(matching: query).tasks.map(\.id), [old.id], "running mail in email")
            var paged = TaskListQuery(statuses: [.pending, .running], limit: 2)
            paged.before = waiting.id
            c.expectEqual(try await c.store.taskPage(matching: paged).tasks.map(\.id), [old.id], "below a cursor")
        },
    ]
}
