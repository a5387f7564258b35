import Foundation
import Offload
@testable import OffloadSupervisor
import Testing

@Suite("Scheduler: which slots are due, and schedule declarations")
struct SchedulerTests {
    let now = Date(timeIntervalSince1970: 1_800_000_030)

    @Test("slots since the last one seen are all due while they are on time")
    func onTimeSlotsAreAllDue() {
        let due = Scheduler.dueSlots(of: .every(.seconds(1)), lastSeen: now.addingTimeInterval(-5), now: now)
        #expect(due == (-4...0).map { now.addingTimeInterval(Double($0)) })
    }

    @Test("after a long outage only the latest missed slot runs, never a burst")
    func missedSlotsRunTheLatestOnce() {
        let halfPast = Date(timeIntervalSince1970: 1_800_001_800)
        let due = Scheduler.dueSlots(of: .every(.seconds(3600)), lastSeen: halfPast.addingTimeInterval(-30 * 86_400), now: halfPast)
        #expect(due == [Date(timeIntervalSince1970: 1_800_000_000)])
    }

    @Test("with the skip policy, slots missed in an outage do not run")
    func skippedMissedSlots() {
        let halfPast = Date(timeIntervalSince1970: 1_800_001_800)
        let due = Scheduler.dueSlots(of: .every(.seconds(3600), missed: .skip), lastSeen: halfPast.addingTimeInterval(-30 * 86_400), now: halfPast)
        #expect(due.isEmpty)
    }

    @Test("a schedule declared in code travels in --describe-tasks (format 2); a version 1 description still reads")
    func descriptionCarriesSchedules() throws {
        var declaration = TaskDeclaration(name: "shop.report", options: TaskOptions(queueName: "reports"), schedule: try .cron("30 2 * * *", timeZone: "Europe/Berlin", missed: .skip))
        let text = try TaskDescription(tasks: [declaration]).json()
        let read = try TaskDescription.parse(text)
        #expect(read.version == 2)
        #expect(try read.tasks.first?.schedule?.schedule() == (try .cron("30 2 * * *", timeZone: "Europe/Berlin", missed: .skip)))
        declaration.schedule = nil
        let old = try TaskDescription.parse(#"{"version": 1, "tasks": [{"name": "a", "queueName": "q", "priority": 0, "backend": "default", "maxAttempts": 1, "initialBackoffMilliseconds": 1000, "maximumBackoffMilliseconds": 300000, "jitter": 0}]}"#)
        #expect(old.tasks.first?.schedule == nil)
    }

    @Test("configured schedules: each mistake names the file and line", arguments: [
        ("schedule.a = cron=* * * * *", "no task"),
        ("schedule.a = task=t; cron=* * * * *; every=5", "not both"),
        ("schedule.a = task=t; every=0", "every=0"),
        ("schedule.a = task=t; cron=@daily; zone=Mars/Base", "Mars/Base"),
        ("schedule.a = task=t; cron=@daily; missed=burst", "missed=burst"),
        ("schedule.a = task=t; every=5; arguments={not json", "not a JSON object"),
        ("schedule.a = task=t; every=5; colour=red", "unknown field"),
        ("schedule.a = task=t; every=5; priority=1000", "priority=1000"),
    ])
    func configuredScheduleMistakes(_ line: String, _ problem: String) throws {
        let file = try ConfigurationFile(parsing: "# schedules\n" + line + "\n", path: "/etc/offload/offload.conf")
        #expect {
            _ = try ConfiguredSchedule.all(in: file)
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.line == 2 && error.message.hasPrefix("/etc/offload/offload.conf:2:") && error.message.contains(problem)
        }
    }

    @Test("a configured schedule's arguments may contain ';' and its task gets the file's queue and priority")
    func configuredScheduleReads() throws {
        let file = try ConfigurationFile(parsing: #"schedule.nightly = task=t; cron=30 2 * * *; zone=Europe/Berlin; queue=reports; priority=5; arguments={"note": "a;b"}"#, path: "x.conf")
        let schedule = try #require(try ConfiguredSchedule.all(in: file).first)
        #expect(schedule.schedule.arguments == #"{"note": "a;b"}"#)
        let plan = try SchedulePlan.resolve(configured: [schedule], description: TaskDescription(tasks: [TaskDeclaration(name: "t", options: TaskOptions())]))
        #expect(plan.first?.request.queueName == "reports")
        #expect(plan.first?.request.priority == 5)
    }
}
