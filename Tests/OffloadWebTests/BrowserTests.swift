import Foundation
import Hummingbird
import HummingbirdTesting
import Offload
import OffloadProcessTesting
import OffloadTesting
import OffloadWeb
import Testing

/// The pages in a real browser (Debian's headless chromium through chromedriver), over a real database whose
/// tasks a real supervisor and test worker ran. CI installs both; elsewhere the test says why it is skipped.
///
/// `OFFLOAD_CONSOLE_SCREENSHOTS=<folder>` saves a PNG of each page there (docs/images/ was made so).
@Suite("The console in a real browser", .enabled(if: WebDriverClient.unavailableReason == nil, "\(WebDriverClient.unavailableReason ?? "")"))
struct BrowserTests {
    @Test("each page opens, a <script> task name shows as text, and clicking retry on a failed task makes it run")
    func drivesTheConsole() async throws {
        let supervisor = try await SupervisorProcess.start(queues: ["default": 1])
        let hostileName = #"<script>document.title='owned'</script>"#
        let failing = try supervisor.enqueue("test.fail", arguments: #"{"times":1}"#)
        let unknown = try supervisor.enqueue(hostileName, arguments: #"{"note":"<b>bold?</b>"}"#)
        let fine = try supervisor.enqueue("test.echo", arguments: #"{"value":"hello"}"#)
        _ = try await supervisor.waitForStatus(failing, [.failed])
        _ = try await supervisor.waitForStatus(unknown, [.failed])
        _ = try? await supervisor.waitForStatus(fine, [.successful, .failed])
        // A schedule's row as a supervisor running it registers it, and its slot's task, which the worker runs.
        let nightly = try TaskSchedule.cron("30 2 * * *", timeZone: "Europe/Berlin")
        let last = try #require(nightly.slot(after: Date().addingTimeInterval(-86_400)))
        let slot = ScheduleSlot(scheduleName: "nightly-report", time: last, nextTime: nightly.slot(after: last))
        try await supervisor.store.registerSchedule(ScheduleRegistration(name: slot.scheduleName, taskName: "test.echo", summary: nightly.summary, nextTime: slot.nextTime))
        let scheduled = try #require(try await supervisor.store.enqueueScheduled(slot, TaskRequest(taskName: "test.echo", arguments: #"{"value":"report"}"#)))
        _ = try await supervisor.waitForStatus(scheduled.id, [.successful])
        _ = try await supervisor.waitUntilReady()

        let router = Router()
        OffloadConsole(store: supervisor.store, configuration: ConsoleConfiguration(refreshSeconds: 3600)).addRoutes(to: router.group())
        let browser = try await WebDriverClient.start()
        do {
            try await Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0))).test(.live) { client in
                let base = "http://127.0.0.1:\(try #require(client.port))"
                let shots = ProcessInfo.processInfo.environment["OFFLOAD_CONSOLE_SCREENSHOTS"]
                func visit(_ path: String, shot: String) async throws {
                    try await browser.open(base + path)
                    try await waitUntil("\(path) has loaded its script", timeout: .seconds(30)) {
                        try await browser.execute("return document.getElementById('updated').textContent") as? String == "live"
                    }
                    if let shots { try await browser.screenshot().write(to: URL(fileURLWithPath: "\(shots)/\(shot).png")) }
                }

                try await visit("/", shot: "overview")
                #expect(try await browser.execute("return document.querySelectorAll('table.grid tbody tr').length") as? Int ?? 0 >= 1)
                #expect(try await browser.execute("return document.querySelector('figure.chart svg') !== null") as? Bool == true)

                try await visit("/tasks", shot: "tasks")
                let names = try await browser.execute("return [...document.querySelectorAll('td.name')].map(e => e.textContent)") as? [String] ?? []
                #expect(names.contains(hostileName), "the <script> name shows as text: \(names)")
                #expect(try await browser.execute("return document.title") as? String == "Tasks · Offload", "no injected script ran")
                #expect(try await browser.execute("return document.querySelectorAll('script').length") as? Int == 1)

                try await visit("/workers", shot: "workers")
                #expect(try await browser.execute("return document.querySelectorAll('table.grid tbody tr:not(.stale) td').length") as? Int ?? 0 > 1)

                try await visit("/schedules", shot: "schedules")
                #expect(try await browser.execute("return document.querySelector('table.grid tbody tr td.name').textContent") as? String == "nightly-report")
                #expect(try await browser.execute("return document.querySelector('a[href=\"/tasks/\(scheduled.id)\"]') !== null") as? Bool == true, "the last run links to its task")
                #expect(try await browser.execute("return document.querySelector('table.grid tbody tr .badge.status').textContent") as? String == "SUCCESSFUL", "with its status")

                try await visit("/tasks/\(failing)", shot: "task")
                #expect(try await browser.execute("return document.querySelector('details.error-detail').open") as? Bool == true)
                try await browser.click("button[data-action=retry]")
                try await browser.acceptDialog()
                let record = try await supervisor.waitForStatus(failing, [.successful])
                #expect(record.attempts == 2)
                try await waitUntil("the page says what the retry touched", timeout: .seconds(30)) {
                    (try await browser.execute("return (document.getElementById('flash') || {}).textContent || ''") as? String ?? "").contains("retry: 1 task(s) touched")
                }
            }
        } catch {
            await browser.quit()
            _ = await supervisor.stop()
            throw error
        }
        await browser.quit()
        _ = await supervisor.stop()
    }
}
