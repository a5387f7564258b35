import Foundation
import Hummingbird
import Offload

/// One periodic task as the console shows it: what `offload schedules` reads (the database's schedule rows,
/// written by every supervisor that runs the schedule), with the time zone taken out of the cron summary.
struct ScheduleView: Codable, Sendable {
    var name: String
    var taskName: String
    /// As the supervisor registered it: `30 2 * * * (Europe/Berlin)`, `every 300s`.
    var summary: String
    /// The cron schedule's time zone; `nil` for an interval.
    var timeZone: String?
    /// The last slot enqueued, its task and that task's status now (`nil` once pruned).
    var lastSlot: Date?
    var lastTaskID: Int64?
    var lastStatus: TaskStatus?
    var nextTime: Date?

    init(_ state: ScheduleState) {
        name = state.name
        taskName = state.taskName
        summary = state.summary
        timeZone = Self.zone(in: state.summary)
        lastSlot = state.lastSlot
        lastTaskID = state.lastTaskID?.rawValue
        lastStatus = state.lastStatus
        nextTime = state.nextTime
    }

    /// The `(Zone/Name)` a cron summary ends with.
    static func zone(in summary: String) -> String? {
        guard summary.hasSuffix(")"), let open = summary.lastIndex(of: "(") else { return nil }
        let zone = summary[summary.index(after: open)..<summary.index(before: summary.endIndex)]
        return zone.isEmpty ? nil : String(zone)
    }
}

struct SchedulesResponse: Codable, Sendable {
    var schedules: [ScheduleView]
}

extension ConsoleAPI {
    func schedules() async throws -> Response {
        try Self.json(SchedulesResponse(schedules: try await store.scheduleStates().map(ScheduleView.init)))
    }
}

extension ConsolePages {
    func schedules() async throws -> Response {
        let schedules = try await console.store.scheduleStates().map(ScheduleView.init)
        var body = "<h1>Schedules</h1>\n<table class=\"grid\"><thead><tr><th>Schedule</th><th>Task</th><th>When</th><th>Zone</th><th>Last run</th><th>Last task</th><th>Next run</th></tr></thead><tbody>\n"
        if schedules.isEmpty {
            body += "<tr><td colspan=\"7\" class=\"empty\">No schedules: none is declared, or no supervisor running one has started.</td></tr>\n"
        }
        for schedule in schedules {
            let when = schedule.timeZone.map { _ in String(schedule.summary[..<(schedule.summary.lastIndex(of: "(") ?? schedule.summary.endIndex)]).trimmingCharacters(in: .whitespaces) } ?? schedule.summary
            var last = "–"
            if let id = schedule.lastTaskID {
                let status = schedule.lastStatus.map { "<span class=\"badge status \(Self.statusKind($0))\">\($0.rawValue)</span>" } ?? "<span class=\"badge\">pruned</span>"
                last = "<a href=\"\(HTML.escape(console.path("/tasks/\(id)")))\">#\(id)</a> \(status)"
            }
            body += "<tr><td class=\"name\">\(HTML.escape(schedule.name))</td><td class=\"name\">\(HTML.escape(schedule.taskName))</td>"
            body += "<td><code>\(HTML.escape(when))</code></td><td>\(HTML.escape(schedule.timeZone ?? "–"))</td>"
            body += "<td>\(schedule.lastSlot.map(Self.time) ?? "never")</td><td>\(last)</td><td>\(schedule.nextTime.map(Self.time) ?? "–")</td></tr>\n"
        }
        body += "</tbody></table>\n"
        body += "<p class=\"note\">A schedule appears once a supervisor running it has started. Its missed-slot policy lives in the supervisor's configuration and code, not in the database, so it is not shown here.</p>\n"
        return layout(title: "Schedules", active: "schedules", body: body)
    }

    static func statusKind(_ status: TaskStatus) -> String {
        switch status {
        case .successful: "ok"
        case .failed: "bad"
        case .cancelled: "wait"
        case .running: "run"
        case .pending: ""
        }
    }
}
