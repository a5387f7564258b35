import Foundation
import Offload

/// The registry of workers, heartbeats, and recovery of workers that went silent.
enum WorkerRegistryChecks {
    static let all: [ConformanceCheck] = [
        ConformanceCheck("a heartbeat registers a worker, a later one updates it, and unregistering removes it") { c in
            let now = Date()
            try await c.store.heartbeat(c.worker("w1", heartbeat: now.addingTimeInterval(-5)))
            try await c.store.heartbeat(c.worker("w2", heartbeat: now.addingTimeInterval(-1)))
            try await c.store.heartbeat(c.worker("w1", heartbeat: now, state: "draining", currentTasks: [3, 5], tasksDone: 12))
            let workers = try await c.store.workers()
            c.expectEqual(workers.map(\.id), ["w1", "w2"], "workers, newest heartbeat first")
            let w1 = try c.require(workers.first, "no worker registered")
            c.expectEqual(w1.state, "draining", "state after the second heartbeat")
            c.expectEqual(w1.currentTaskIDs, [3, 5], "current tasks")
            c.expectEqual(w1.tasksDone, 12, "tasks done")
            c.expectEqual(w1.host, "host-w1", "host")
            c.expectEqual(w1.pid, 4242, "pid")
            c.expectEqual(w1.supervisorID, "supervisor-1", "supervisor")
            c.expect(c.same(w1.heartbeatAt, now), "heartbeat time")
            c.expect(c.same(w1.startedAt, ConformanceContext.errorTime), "start time")
            try await c.store.unregisterWorker(id: "w1")
            c.expectEqual(try await c.store.workers().map(\.id), ["w2"], "workers after unregistering w1")
        },
        ConformanceCheck("tasks of a worker whose heartbeat went stale are recovered and the worker removed; a live worker keeps its tasks") { c in
            let stale = try await c.enqueue()
            let live = try await c.enqueue()
            let now = Date()
            _ = try await c.claim(1, worker: "stale")
            _ = try await c.claim(1, worker: "live")
            try await c.store.heartbeat(c.worker("stale", heartbeat: now.addingTimeInterval(-120)))
            try await c.store.heartbeat(c.worker("live", heartbeat: now))
            let recovered = try await c.store.recoverStaleWorkers(staleAfter: .seconds(30), at: now) { _ in true }
            c.expectEqual(recovered.map(\.id), [stale.id], "recovered tasks")
            let record = try await c.record(stale.id)
            c.expectEqual(record.errors.map(\.exceptionType), [TaskFailureKind.workerLost], "error type of the stale worker's task")
            c.expect(record.errors.first?.message.contains("stale") == true, "the error should name the worker: \(record.errors.first?.message ?? "none")")
            c.expectEqual(try await c.record(live.id).status, .running, "status of the live worker's task")
            c.expectEqual(try await c.store.workers().map(\.id), ["live"], "workers after the sweep")
        },
        ConformanceCheck("nothing is recovered while its owner is alive and beating") { c in
            let task = try await c.enqueue()
            _ = try await c.claim(1, worker: "busy")
            let now = Date()
            try await c.store.heartbeat(c.worker("busy", heartbeat: now.addingTimeInterval(-29)))
            for _ in 0..<3 {
                c.expectEqual(try await c.store.recoverStaleWorkers(staleAfter: .seconds(30), at: now) { _ in true }, [], "recovered from a live worker")
            }
            c.expectEqual(try await c.record(task.id).status, .running, "status of the live worker's task")
            c.expectEqual(try await c.store.workers().map(\.id), ["busy"], "workers")
        },
        ConformanceCheck("a worker known to be dead is recovered even with a fresh heartbeat") { c in
            let task = try await c.enqueue()
            _ = try await c.claim(1, worker: "crashed")
            let now = Date()
            try await c.store.heartbeat(c.worker("crashed", heartbeat: now))
            let recovered = try await c.store.recoverStaleWorkers(staleAfter: .seconds(30), at: now) { $0.id != "crashed" }
            c.expectEqual(recovered.map(\.id), [task.id], "recovered tasks")
            c.expectEqual(try await c.store.workers(), [], "workers after the sweep")
        },
        ConformanceCheck("a task held by a worker that never registered is recovered as orphaned") { c in
            let task = try await c.enqueue()
            _ = try await c.claim(1, worker: "ghost")
            let recovered = try await c.store.recoverStaleWorkers(staleAfter: .seconds(30), at: Date()) { _ in true }
            c.expectEqual(recovered.map(\.id), [task.id], "recovered tasks")
            c.expectEqual(try await c.record(task.id).errors.first?.exceptionType, TaskFailureKind.workerLost, "error type")
        },
        ConformanceCheck("a sweep from another host recovers a vanished host's tasks, once") { c in
            let task = try await c.enqueue(retry: .exponential(maxAttempts: 2))
            let now = Date()
            _ = try await c.claim(1, worker: "host-a/w1")
            try await c.store.heartbeat(c.worker("host-a/w1", heartbeat: now.addingTimeInterval(-60)))
            let other = try await c.subject.openAnother()
            // Two supervisors sweep at the same moment: the task is recovered exactly once.
            async let first = other.recoverStaleWorkers(staleAfter: .seconds(10), at: now) { _ in true }
            async let second = c.store.recoverStaleWorkers(staleAfter: .seconds(10), at: now) { _ in true }
            let recovered = try await first + second
            c.expectEqual(recovered.map(\.id), [task.id], "tasks recovered by the two sweeps together")
            let record = try await c.record(task.id)
            c.expectEqual(record.status, .pending, "status")
            c.expectEqual(record.errors.count, 1, "errors recorded")
        },
    ]
}
