import Foundation
import Offload
import OffloadSQLite
import OffloadSupervisor
import OffloadProcessTesting
import OffloadTesting
import Testing

@Suite("Supervisor: periodic tasks", .serialized)
struct ScheduleProcessTests {
    /// A schedule every second, from the configuration file, with its task's slot in its run_after.
    static func configuration(in directory: TemporaryDirectory, _ line: String) throws -> String {
        let path = directory.file("offload.conf")
        try Data((line + "\n").utf8).write(to: URL(fileURLWithPath: path))
        chmod(path, 0o600)
        return path
    }

    @Test("four supervisors on one SQLite database enqueue each slot exactly once, and none is missed when one of them is SIGKILLed")
    func fourSupervisorsOneEnqueuePerSlot() async throws {
        let shared = TemporaryDirectory("offload-schedule")
        let database = shared.file("shared.sqlite3")
        let config = try Self.configuration(in: shared, #"schedule.tick = task=test.record; every=1; arguments={"label": "tick"}"#)
        let store = try SQLiteTaskStore(path: database)
        var supervisors: [SupervisorProcess] = []
        for _ in 0..<4 {
            supervisors.append(try await SupervisorProcess.start(queues: ["default": 1], arguments: ["--config", config, "--database", database]))
        }
        func ticks() async throws -> [TaskRecord] { try await store.records(matching: TaskFilter(taskName: "test.record", limit: 10_000)) }
        try await waitUntil("four slots enqueued", timeout: .seconds(120)) { try await ticks().count >= 4 }
        let victim = supervisors.removeFirst()
        victim.signal(SIGKILL)
        _ = await victim.process.waitForExit()
        let atKill = try await ticks().count
        try await waitUntil("six more slots enqueued after the kill", timeout: .seconds(120)) { try await ticks().count >= atKill + 6 }
        for supervisor in supervisors { await supervisor.stop() }

        let slots = try await ticks().compactMap(\.runAfter).map { Int64($0.timeIntervalSince1970.rounded()) }.sorted()
        #expect(Set(slots).count == slots.count, "a slot enqueued twice: \(slots)")
        #expect(slots.count >= 10)
        if let first = slots.first, let last = slots.last {
            #expect(last - first + 1 == Int64(slots.count), "a slot missing while supervisors ran: \(slots)")
        }
        let state = try #require(try await store.scheduleStates().first { $0.name == "tick" })
        #expect(state.lastSlot.map { Int64($0.timeIntervalSince1970.rounded()) } == slots.last)

        // `offload schedules` shows it, with its last task's status; on a thread of its own, as it waits for the child.
        let listing = try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try OffloadCommandRun.run(["schedules", "--database", database]) }) }
        }
        #expect(listing.exitStatus == 0, "\(listing)")
        let row = try #require(listing.standardOutput.split(separator: "\n").first { $0.hasPrefix("tick ") }, "\(listing)")
        #expect(row.contains("test.record") && row.contains("every 1s") && row.contains("#\(state.lastTaskID.map { "\($0)" } ?? "?")"))
        #expect(TaskStatus.allCases.contains { row.contains($0.rawValue) }, "the last run's status in \(row)")
    }

    @Test("a schedule declared on the task type in code is run by the supervisor, named after the task")
    func scheduleDeclaredInCode() async throws {
        let supervisor = try await SupervisorProcess.start(environment: ["OFFLOAD_TEST_SCHEDULE": "1"])
        try await waitUntil("two slots of the declared schedule enqueued", timeout: .seconds(120)) {
            try await supervisor.store.records(matching: TaskFilter(taskName: "test.scheduled-tick")).count >= 2
        }
        let state = try #require(try await supervisor.store.scheduleStates().first)
        #expect(state.name == "test.scheduled-tick" && state.summary == "every 1s")
        await supervisor.stop()
    }

    @Test("SIGHUP puts the configuration file's new schedules in force and retires the removed ones, without a restart")
    func sighupReplacesSchedules() async throws {
        let directory = TemporaryDirectory("offload-schedule-reload")
        let config = try Self.configuration(in: directory, #"schedule.tick = task=test.record; every=1; arguments={"label": "tick"}"#)
        let supervisor = try await SupervisorProcess.start(arguments: ["--config", config], directory: directory)
        try await supervisor.waitUntilReady()
        func runs(_ label: String) async throws -> Int {
            try await supervisor.store.records(matching: TaskFilter(taskName: "test.record", limit: 10_000)).filter { $0.arguments.contains(#""\#(label)""#) }.count
        }
        try await waitUntil("a tick enqueued", timeout: .seconds(120)) { try await runs("tick") >= 1 }

        _ = try Self.configuration(in: directory, #"schedule.tock = task=test.record; every=1; arguments={"label": "tock"}"#)
        supervisor.signal(SIGHUP)
        try await supervisor.waitForLog("SIGHUP: schedules added tock (every 1s), removed tick")
        try await waitUntil("two tocks enqueued", timeout: .seconds(120)) { try await runs("tock") >= 2 }
        // A tick in flight when the plan changed is in by now; none may follow it.
        let ticks = try await runs("tick")
        let tocks = try await runs("tock")
        try await waitUntil("three more tocks enqueued", timeout: .seconds(120)) { try await runs("tock") >= tocks + 3 }
        #expect(try await runs("tick") == ticks, "the removed schedule still enqueued")
        #expect(try await supervisor.store.scheduleStates().contains { $0.name == "tock" })
        await supervisor.stop()
    }

    @Test("a configured schedule naming a task the worker does not register stops the supervisor with exit 78, naming the file and line")
    func unknownTaskIsAConfigurationError() async throws {
        let directory = TemporaryDirectory("offload-schedule-typo")
        let config = try Self.configuration(in: directory, "schedule.typo = task=test.recrod; cron=*/5 * * * *")
        let supervisor = try await SupervisorProcess.start(arguments: ["--config", config], directory: directory)
        let status = await supervisor.process.waitForExit(timeout: .seconds(60))
        #expect(status == .exited(78))
        try await supervisor.waitForLog("the file, its line and the task's name") { $0.contains("\(config):1") && $0.contains("test.recrod") }
    }

    @Test("a malformed cron in the configuration file stops the supervisor with exit 78, naming the field")
    func malformedCronIsAConfigurationError() async throws {
        let directory = TemporaryDirectory("offload-schedule-cron")
        let config = try Self.configuration(in: directory, "schedule.bad = task=test.record; cron=61 * * * *")
        let supervisor = try await SupervisorProcess.start(arguments: ["--config", config], directory: directory)
        let status = await supervisor.process.waitForExit(timeout: .seconds(60))
        #expect(status == .exited(78))
        try await supervisor.waitForLog("the file, its line and the field") { $0.contains("\(config):1") && $0.contains("minute") && $0.contains("61") }
    }
}
