import Foundation
import Offload

/// Periodic tasks: each slot of a schedule enqueues exactly one task, whoever claims it.
enum ScheduleChecks {
    static func request(_ slot: Int) -> TaskRequest {
        TaskRequest(taskName: "scheduled.report", queueName: "default", arguments: "{\"slot\":\(slot)}")
    }

    static let all: [ConformanceCheck] = [
        ConformanceCheck("a schedule slot claimed twice enqueues once, and the schedule records that task") { c in
            let time = Date(timeIntervalSince1970: 1_800_000_000)
            let slot = ScheduleSlot(scheduleName: "nightly", time: time, nextTime: time.addingTimeInterval(86_400))
            let first = try await c.store.enqueueScheduled(slot, request(1))
            let second = try await c.store.enqueueScheduled(slot, request(1))
            let other = try await c.subject.openAnother()
            let third = try await other.enqueueScheduled(slot, request(1))
            let task = try c.require(first, "the first claim of a slot enqueues")
            c.expect(second == nil, "a second claim of the same slot enqueued \(String(describing: second?.id))")
            c.expect(third == nil, "a claim from another connection enqueued \(String(describing: third?.id))")
            c.expectEqual(try await c.store.records(matching: TaskFilter(taskName: "scheduled.report")).count, 1, "tasks enqueued for the slot")
            let next = try await c.store.enqueueScheduled(ScheduleSlot(scheduleName: "nightly", time: time.addingTimeInterval(86_400)), request(2))
            c.expect(next != nil, "the next slot of the same schedule enqueues")
            let otherSchedule = try await c.store.enqueueScheduled(ScheduleSlot(scheduleName: "hourly", time: time), request(3))
            c.expect(otherSchedule != nil, "the same time in another schedule enqueues")
            let states = try await c.store.scheduleStates()
            let nightly = try c.require(states.first { $0.name == "nightly" }, "the schedule's state is recorded")
            c.expectEqual(nightly.lastTaskID, next?.id, "the last task of the schedule")
            c.expectEqual(nightly.lastStatus, .pending, "the last task's status")
            c.expect(c.same(nightly.lastSlot, time.addingTimeInterval(86_400)), "the last slot is \(String(describing: nightly.lastSlot))")
            _ = task
        },
        ConformanceCheck("many concurrent claimers of the same slots enqueue once per slot") { c in
            let stores: [any TaskStore] = [c.store, try await c.subject.openAnother(), try await c.subject.openAnother()]
            let base = Date(timeIntervalSince1970: 1_800_000_000)
            let slots = 5
            let enqueued = try await withThrowingTaskGroup(of: TaskResultID?.self) { group in
                for claimer in 0..<12 {
                    let store = stores[claimer % stores.count]
                    for slot in 0..<slots {
                        group.addTask {
                            try await store.enqueueScheduled(ScheduleSlot(scheduleName: "race", time: base.addingTimeInterval(Double(slot))), request(slot))?.id
                        }
                    }
                }
                var ids: [TaskResultID] = []
                for try await id in group { if let id { ids.append(id) } }
                return ids
            }
            c.expectEqual(enqueued.count, slots, "claims that enqueued")
            let stored = try await c.store.records(matching: TaskFilter(taskName: "scheduled.report", limit: 1000))
            c.expectEqual(Set(stored.map(\.arguments)).count, slots, "distinct slots among the stored tasks")
            c.expectEqual(stored.count, slots, "stored tasks")
        },
        ConformanceCheck("a registered schedule shows its summary and next run before it first ran") { c in
            let next = Date(timeIntervalSince1970: 1_800_000_060)
            try await c.store.registerSchedule(ScheduleRegistration(name: "every-minute", taskName: "scheduled.report", summary: "* * * * * (UTC)", nextTime: next))
            let state = try c.require(try await c.store.scheduleStates().first { $0.name == "every-minute" }, "the registered schedule")
            c.expectEqual(state.summary, "* * * * * (UTC)", "summary")
            c.expect(c.same(state.nextTime, next), "next run \(String(describing: state.nextTime))")
            c.expect(state.lastTaskID == nil && state.lastStatus == nil, "no last run yet")
        },
    ]
}
