import Foundation
import Offload
import OffloadSupervisor
import OffloadProcessTesting
import OffloadTesting
import Testing

@Suite("Supervisor: stopping, scaling and replacing workers", .serialized)
struct LifecycleTests {
    @Test("SIGTERM lets the tasks in flight finish, then the supervisor exits 0")
    func sigtermDrains() async throws {
        let supervisor = try await SupervisorProcess.start(queues: ["default": 2])
        try await supervisor.waitUntilReady()
        let ids = try ["a", "b"].map { try supervisor.enqueue("test.sleep", arguments: #"{"milliseconds": 6000, "label": "\#($0)"}"#) }
        try await supervisor.explainingTimeout {
            try await waitUntil("both tasks to start") {
                let running = Set(try supervisor.status().workers.flatMap(\.currentTasks))
                return ids.allSatisfy { running.contains($0.rawValue) }
            }
        }
        supervisor.signal(SIGTERM)
        #expect(await supervisor.process.waitForExit() == .exited(0))
        for id in ids {
            #expect(try supervisor.record(id).status == .successful)
        }
        #expect(Set(supervisor.runs()) == ["start a", "start b", "end a", "end b"])
    }

    @Test("scaling up and down under load loses no task and runs none twice")
    func scalingUnderLoad() async throws {
        let supervisor = try await SupervisorProcess.start(queues: ["default": 1])
        try await supervisor.waitUntilReady()
        let requests = (0..<300).map { TaskRequest(taskName: "test.record", arguments: #"{"label": "t\#($0)", "sleepMilliseconds": 5}"#) }
        let ids = try supervisor.store.enqueue(batch: requests).map(\.id)

        let up = try ControlClient.send(.scale(["default": 3]), to: supervisor.controlSocket)
        #expect(up.ok)
        try await waitUntil("three workers") { try supervisor.status().workers.filter { $0.state == "ready" }.count == 3 }
        let down = try ControlClient.send(.scale(["default": 1]), to: supervisor.controlSocket)
        #expect(down.ok)
        try await waitUntil("every task to finish", timeout: .seconds(60)) {
            try await supervisor.store.counts().first.map { $0.pending == 0 && $0.running == 0 } ?? false
        }
        try await waitUntil("one worker left") { try supervisor.status().workers.count == 1 }

        let runs = supervisor.runs()
        if runs.count != 300 {
            let twice = Dictionary(grouping: runs, by: { $0 }).filter { $0.value.count > 1 }.keys
            print("ran twice: \(twice)")
            for record in try await supervisor.store.records(matching: TaskFilter(limit: 400)) where twice.contains(where: { record.arguments.contains("\"\($0)\"") }) {
                print(record)
            }
            print(supervisor.log.filter { $0.contains("recovered") || $0.contains("stopped") || $0.contains("released") }.joined(separator: "\n"))
        }
        #expect(runs.count == 300)
        #expect(Set(runs).count == 300)
        for id in ids {
            let record = try supervisor.record(id)
            #expect(record.status == .successful && record.attempts == 1)
        }
        // The log is read from the supervisor's pipes as it comes, and can lag behind its status.
        try await supervisor.waitForLog("scaling down: draining worker")
    }

    @Test("scaling an unknown queue is refused with the queues that exist")
    func scalingUnknownQueue() async throws {
        let supervisor = try await SupervisorProcess.start()
        try await supervisor.waitUntilReady()
        let response = try ControlClient.send(.scale(["reports": 2]), to: supervisor.controlSocket)
        #expect(!response.ok)
        #expect(response.message.contains("unknown queue \"reports\""))
    }

    @Test("SIGHUP replaces every worker, queue by queue, without dropping or repeating work")
    func sighupReplacesWorkers() async throws {
        let supervisor = try await SupervisorProcess.start(queues: ["default": 2, "email": 1])
        let before = try await supervisor.waitUntilReady()
        let requests = (0..<200).map { TaskRequest(taskName: "test.record", queueName: $0 % 2 == 0 ? "default" : "email", arguments: #"{"label": "h\#($0)", "sleepMilliseconds": 10}"#) }
        _ = try supervisor.store.enqueue(batch: requests)
        supervisor.signal(SIGHUP)
        try await waitUntil("new workers everywhere", timeout: .seconds(30)) {
            let status = try supervisor.status()
            return status.workers.count == 3 && status.workers.allSatisfy { $0.state == "ready" && !before.workers.map(\.pid).contains($0.pid) }
        }
        try await waitUntil("every task to finish", timeout: .seconds(60)) {
            try await supervisor.store.counts().allSatisfy { $0.pending == 0 && $0.running == 0 }
        }
        let runs = supervisor.runs()
        #expect(runs.count == 200)
        #expect(Set(runs).count == 200)
        #expect(try await supervisor.store.counts().reduce(0) { $0 + $1.failed } == 0)
    }

    @Test("a worker is replaced after --max-tasks-per-worker tasks")
    func maxTasksRecycling() async throws {
        let supervisor = try await SupervisorProcess.start(arguments: ["--max-tasks-per-worker", "5"])
        let first = try await supervisor.waitUntilReady()
        let requests = (0..<12).map { TaskRequest(taskName: "test.record", arguments: #"{"label": "m\#($0)"}"#) }
        _ = try supervisor.store.enqueue(batch: requests)
        do {
            try await waitUntil("every task to finish") {
                try await supervisor.store.counts().first.map { $0.successful == 12 } ?? false
            }
        } catch {
            print(supervisor.log.suffix(60).joined(separator: "\n"))
            throw error
        }
        #expect(supervisor.runs().count == 12)
        // The log is read from the supervisor's pipes as it comes, so it may lag behind the database: wait for it.
        try await supervisor.explainingTimeout {
            try await waitUntil("three workers spawned in the log") {
                supervisor.log.filter { $0.contains("spawned worker") }.count >= 3
            }
        }
        #expect(try supervisor.status().workers.allSatisfy { $0.pid != first.workers[0].pid })
    }
}
