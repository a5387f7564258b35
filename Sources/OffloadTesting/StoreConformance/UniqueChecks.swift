import Foundation
import Offload

/// Unique tasks: one row per key while a task holds it, enforced by the database on every enqueue path.
enum UniqueChecks {
    static func request(_ key: String, period: Duration? = nil, states: Set<TaskStatus> = UniqueTask.defaultStates, queue: String = "default") -> TaskRequest {
        TaskRequest(taskName: "u", queueName: queue, arguments: #"{"key":"\#(key)"}"#, unique: UniqueConstraint(key: key, period: period, states: states))
    }

    static func stored(_ c: ConformanceContext) async throws -> Int {
        try await c.store.records(matching: TaskFilter(taskName: "u", limit: 1_000)).count
    }

    static let all: [ConformanceCheck] = [
        ConformanceCheck("a unique task enqueued again while pending or running is stored once; the second enqueue returns the first as a duplicate") { c in
            let first = try await c.store.enqueueReportingDuplicate(request("a"))
            c.expect(!first.isDuplicate, "the first enqueue stores a task")
            let again = try await c.store.enqueueReportingDuplicate(request("a"))
            c.expectEqual(again, .duplicate(of: try await c.record(first.record.id)), "the second enqueue, while pending")
            let plain = try await c.store.enqueue(request("a"))
            c.expectEqual(plain.id, first.record.id, "the plain enqueue returns the existing task too")
            let other = try await c.store.enqueueReportingDuplicate(request("b"))
            c.expect(!other.isDuplicate && other.record.id != first.record.id, "another key is another task")
            _ = try c.require(try await c.claim(2).first, "the tasks were not claimed")
            c.expect(try await c.store.enqueueReportingDuplicate(request("a")).isDuplicate, "a duplicate while running")
            c.expectEqual(try await stored(c), 2, "rows stored")
            try await c.enqueue("u")
            c.expectEqual(try await stored(c), 3, "a plain task of the same name is never a duplicate")
        },
        ConformanceCheck("a unique key is free again once its task leaves the counted states, and the new task takes it") { c in
            let first = try await c.store.enqueueReportingDuplicate(request("k"))
            let claimed = try c.require(try await c.claim(1).first, "the task was not claimed")
            try await c.complete([TaskOutcome(id: claimed.id, workerID: "w1", result: .succeeded(returnValue: "1"))])
            let second = try await c.store.enqueueReportingDuplicate(request("k"))
            c.expect(!second.isDuplicate && second.record.id != first.record.id, "a finished task does not hold its key")
            c.expectEqual(try await c.store.enqueueReportingDuplicate(request("k")), .duplicate(of: try await c.record(second.record.id)), "the new task holds it")
            // Counting only PENDING: a running task lets go.
            let pendingOnly = try await c.store.enqueueReportingDuplicate(request("p", states: [.pending]))
            _ = try await c.claim(5)
            let next = try await c.store.enqueueReportingDuplicate(request("p", states: [.pending]))
            c.expect(!next.isDuplicate && next.record.id != pendingOnly.record.id, "a running task does not hold a pending-only key")
        },
        ConformanceCheck("a unique period holds the key whatever the status until it ends, then lets it go") { c in
            let every = Set(TaskStatus.allCases)
            let first = try await c.store.enqueueReportingDuplicate(request("r", period: .seconds(3_600), states: every))
            let claimed = try c.require(try await c.claim(1).first, "the task was not claimed")
            try await c.complete([TaskOutcome(id: claimed.id, workerID: "w1", result: .succeeded(returnValue: "1"))])
            c.expectEqual(try await c.store.enqueueReportingDuplicate(request("r", period: .seconds(3_600), states: every)).record.id, first.record.id, "a finished task inside its period")
            // A short period: the key is free once it has passed.
            let short = try await c.store.enqueueReportingDuplicate(request("s", period: .milliseconds(200), states: every))
            let later = try await waitFor("the 200 ms period to end", timeout: .seconds(30)) { () async throws -> EnqueueOutcome? in
                let outcome = try await c.store.enqueueReportingDuplicate(request("s", period: .milliseconds(200), states: every))
                return outcome.isDuplicate ? nil : outcome
            }
            c.expect(later.record.id != short.record.id, "a new task after the period")
        },
        ConformanceCheck("a duplicate in a batch is returned as the task it duplicates and does not fail its neighbours") { c in
            let records = try await c.store.enqueue(batch: [request("x"), TaskRequest(taskName: "u"), request("x"), request("y")])
            c.expectEqual(records.count, 4, "one record per request")
            c.expectEqual(records[2].id, records[0].id, "the duplicate is the first x")
            c.expectEqual(Set(records.map(\.id)).count, 3, "distinct tasks")
            c.expectEqual(try await stored(c), 3, "rows stored")
        },
        ConformanceCheck("concurrent enqueues of one unique task from two connections store exactly one") { c in
            let other = try await c.subject.openAnother()
            let store = c.store
            let outcomes = try await withThrowingTaskGroup(of: EnqueueOutcome.self) { group in
                for index in 0..<16 {
                    group.addTask { try await (index % 2 == 0 ? store : other).enqueueReportingDuplicate(request("race")) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            c.expectEqual(outcomes.filter { !$0.isDuplicate }.count, 1, "enqueues that stored a task")
            c.expectEqual(Set(outcomes.map(\.record.id)).count, 1, "every enqueue returns the same task")
            c.expectEqual(try await stored(c), 1, "rows stored")
        },
        ConformanceCheck("an invalid unique constraint is refused at enqueue") { c in
            await c.expectError(.invalidOption, containing: "states", "no states") {
                _ = try await c.store.enqueue(request("e", states: []))
            }
            await c.expectError(.invalidOption, containing: "period", "a negative period") {
                _ = try await c.store.enqueue(request("e", period: .seconds(-1)))
            }
        },
    ]
}
