import Foundation
import HummingbirdTesting
import Offload
import Testing

@Suite("The console's schedules")
struct ConsoleScheduleTests {
    @Test("schedules show what offload schedules shows: schedule, zone, last run with a link to its task and its status, next run")
    func listsSchedules() async throws {
        let fixture = try ConsoleFixture()
        let next = Date(timeIntervalSince1970: 1_800_000_000)
        try await fixture.store.registerSchedule(ScheduleRegistration(name: "nightly<b>", taskName: "Report.Build", summary: "30 2 * * * (Europe/Berlin)", nextTime: next))
        try await fixture.store.registerSchedule(ScheduleRegistration(name: "poll", taskName: "Feed.Poll", summary: "every 300s", nextTime: next))
        let slot = ScheduleSlot(scheduleName: "nightly<b>", time: Date(timeIntervalSince1970: 1_799_900_000), nextTime: next)
        let task = try #require(try await fixture.store.enqueueScheduled(slot, TaskRequest(taskName: "Report.Build", arguments: "{}")))
        try await fixture.test { client in
            let json = try await client.execute(uri: "/api/v1/schedules", method: .get) { try $0.json() }
            let schedules = json["schedules"] as? [[String: Any]] ?? []
            #expect(schedules.map { $0["name"] as? String } == ["nightly<b>", "poll"])
            let nightly = try #require(schedules.first)
            #expect(nightly["timeZone"] as? String == "Europe/Berlin")
            #expect(nightly["lastTaskID"] as? Int == Int(task.id.rawValue))
            #expect(nightly["lastStatus"] as? String == "PENDING")
            #expect(nightly["nextTime"] as? String == "2027-01-15T08:00:00Z")
            #expect(schedules.last?["timeZone"] == nil && schedules.last?["lastSlot"] == nil, "an interval that never ran")
            try await client.execute(uri: "/schedules", method: .get) { response in
                #expect(response.status == .ok)
                let page = response.text
                #expect(page.contains("nightly&lt;b&gt;") && !page.contains("nightly<b>"), "the name is shown as text")
                #expect(page.contains("<code>30 2 * * *</code></td><td>Europe/Berlin</td>"))
                #expect(page.contains("href=\"/tasks/\(task.id)\">#\(task.id)</a> <span class=\"badge status \">PENDING</span>"))
                #expect(page.contains("<code>every 300s</code></td><td>–</td><td>never</td>"))
                #expect(page.contains("<a href=\"/schedules\" aria-current=\"page\">Schedules</a>"))
            }
            try await client.execute(uri: "/", method: .get) { #expect($0.text.contains("<a href=\"/schedules\">Schedules</a>"), "linked from the navigation") }
        }
    }
}
