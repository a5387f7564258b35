import Foundation
import Hummingbird
import Offload

/// The server-rendered pages. Every string from the database goes through ``HTML/escape(_:)``.
struct ConsolePages: Sendable {
    let console: OffloadConsole
    var api: ConsoleAPI { ConsoleAPI(console: console) }
    var readOnly: Bool { console.configuration.readOnly }

    func overview(_ request: Request) async throws -> Response {
        let now = Date()
        let data = try await api.overview(now: now)
        let window = data.finishedLimited == true ? Self.age(data.finishedWindowSeconds ?? 0) : "24 h"
        var body = "<h1>Overview</h1>\n"
        body += "<table class=\"grid\"><thead><tr><th>Queue</th><th>Pending</th><th>Running</th><th>Failed (\(window))</th><th>Succeeded (\(window))</th><th>Oldest ready</th><th>State</th></tr></thead><tbody>\n"
        if data.queues.isEmpty { body += "<tr><td colspan=\"7\" class=\"empty\">No tasks yet.</td></tr>\n" }
        for queue in data.queues {
            let q = HTML.escape(queue.name)
            let link = { (status: String) in HTML.escape(console.path("/tasks?queue=\(Self.queryEscape(queue.name))&status=\(status)")) }
            body += "<tr><td><a href=\"\(HTML.escape(console.path("/tasks?queue=\(Self.queryEscape(queue.name))")))\">\(q)</a></td>"
            body += "<td class=\"num\"><a href=\"\(link("PENDING"))\">\(queue.pending)</a>\((queue.delayed ?? 0) > 0 ? " <small>(\(queue.delayed ?? 0) delayed)</small>" : "")</td>"
            body += "<td class=\"num\"><a href=\"\(link("RUNNING"))\">\(queue.running)</a></td>"
            body += "<td class=\"num\(queue.failed > 0 ? " bad" : "")\"><a href=\"\(link("FAILED"))\">\(queue.failed)</a></td>"
            body += "<td class=\"num\"><a href=\"\(link("SUCCESSFUL"))\">\(queue.successful)</a></td>"
            body += "<td class=\"num\">\(queue.oldestReadyAgeSeconds.map(Self.age) ?? "–")</td>"
            body += "<td>\(queue.paused == true ? "<span class=\"badge warn\">paused</span>" : "<span class=\"badge ok\">active</span>")"
            if !readOnly {
                let change = queue.paused == true ? ("resume", "Resume") : ("pause", "Pause")
                body += " <button data-queue-action=\"\(change.0)\" data-queue=\"\(q)\">\(change.1)</button>"
            }
            body += "</td></tr>\n"
        }
        body += "</tbody></table>\n"
        if data.finishedLimited == true {
            body += "<p class=\"note\">Failed and succeeded count the last \(console.configuration.finishedCountLimit) tasks that finished (the last \(window); the chart shows no more than those): more than that finished in the last 24 hours. The Tasks page lists every kept result.</p>\n"
        } else {
            body += "<p class=\"note\">Failed and succeeded count the tasks that finished in the last 24 hours; the Tasks page lists every kept result.</p>\n"
        }
        body += "<h2>Last hour</h2>\n" + ActivityChart.svg(data.lastHour, now: now)
        return layout(title: "Overview", active: "overview", body: body)
    }

    func tasks(_ request: Request) async throws -> Response {
        let parameters = request.consoleParameters
        let query: TaskListQuery
        do {
            query = try TaskListQuery(parameters: parameters)
        } catch {
            return layout(title: "Tasks", active: "tasks", body: "<h1>Tasks</h1><p class=\"error\">\(HTML.escape(error.message))</p>", status: .badRequest)
        }
        let page = try await api.page(query)
        var body = "<h1>Tasks</h1>\n" + filterForm(parameters)
        if !readOnly {
            body += "<div class=\"bulk\" data-filter=\"\(HTML.escape(Self.filterJSON(query)))\">"
            body += "<span>Selected:</span> <button data-bulk=\"retry\">Retry</button> <button data-bulk=\"run\">Run now</button> <button data-bulk=\"cancel\">Cancel</button> <button data-bulk=\"delete\" class=\"danger\">Delete</button>"
            body += " <span>All matching the filter:</span> <button data-bulk-filter=\"retry\">Retry</button> <button data-bulk-filter=\"run\">Run now</button> <button data-bulk-filter=\"cancel\">Cancel</button> <button data-bulk-filter=\"delete\" class=\"danger\">Delete</button></div>\n"
        }
        body += "<table class=\"grid tasks\"><thead><tr>\(readOnly ? "" : "<th><input type=\"checkbox\" id=\"select-all\" aria-label=\"Select all\"></th>")<th>Id</th><th>Task</th><th>Queue</th><th>Status</th><th>Attempts</th><th>Enqueued</th><th>Arguments</th></tr></thead><tbody>\n"
        if page.tasks.isEmpty { body += "<tr><td colspan=\"8\" class=\"empty\">No task matches.</td></tr>\n" }
        for task in page.tasks {
            body += "<tr>"
            if !readOnly { body += "<td><input type=\"checkbox\" class=\"select\" value=\"\(task.id)\" aria-label=\"Select task \(task.id)\"></td>" }
            body += "<td class=\"num\"><a href=\"\(HTML.escape(console.path("/tasks/\(task.id)")))\">\(task.id)</a></td>"
            body += "<td class=\"name\">\(HTML.escape(task.taskName))</td><td>\(HTML.escape(task.queueName))</td>"
            body += "<td>\(Self.statusBadge(task))</td><td class=\"num\">\(task.attempts)/\(task.retry.maxAttempts)</td>"
            body += "<td>\(Self.time(task.enqueuedAt))</td><td><code class=\"args\">\(HTML.escape(Self.clip(task.arguments, 120)))</code></td></tr>\n"
        }
        body += "</tbody></table>\n"
        if page.searchStopped == true, let cursor = page.nextCursor {
            body += "<p class=\"note search-stopped\">Searched \(page.examineLimit ?? 0) tasks without filling the page (this filter has no index to search): older tasks were not examined yet. <a href=\"\(HTML.escape(console.path("/tasks?" + Self.queryString(query.parameters + [("before", cursor)]))))\">Search older tasks →</a></p>\n"
        } else if let cursor = page.nextCursor {
            var next = query.parameters
            next.append(("before", cursor))
            if query.limit != 50 { next.append(("limit", String(query.limit))) }
            body += "<p class=\"pager\"><a rel=\"next\" href=\"\(HTML.escape(console.path("/tasks?" + Self.queryString(next))))\">Older →</a></p>\n"
        }
        return layout(title: "Tasks", active: "tasks", body: body)
    }

    func task(_ text: String) async throws -> Response {
        guard let id = TaskResultID(text) else {
            return layout(title: "Task", active: "tasks", body: "<p class=\"error\">\(HTML.escape("\"\(text)\" is not a task id"))</p>", status: .badRequest)
        }
        let task: TaskRecord
        do {
            task = try await api.readableRecord(id: id)
        } catch let error as OffloadError where error.code == .resultNotFound {
            return layout(title: "Task", active: "tasks", body: "<h1>Task \(id)</h1><p class=\"error\">No task \(id): it was never enqueued, or it was pruned or deleted.</p>", status: .notFound)
        }
        var body = "<h1>Task \(id): <span class=\"name\">\(HTML.escape(task.taskName))</span> \(Self.statusBadge(task))</h1>\n"
        if !readOnly {
            body += "<div class=\"actions\">"
            if task.status == .failed { body += "<button data-action=\"retry\" data-id=\"\(id)\">Retry</button> " }
            if task.status == .pending && task.runAfter > Date() { body += "<button data-action=\"run\" data-id=\"\(id)\">Run now</button> " }
            if task.status == .pending || task.status == .running { body += "<button data-action=\"cancel\" data-id=\"\(id)\">Cancel</button> " }
            if task.status.isFinished { body += "<button data-action=\"delete\" data-id=\"\(id)\" class=\"danger\">Delete</button>" }
            body += "</div>\n"
        }
        body += "<dl class=\"facts\">"
        for (label, value) in [("Queue", task.queueName), ("Priority", String(task.priority)), ("Attempts", "\(task.attempts) of \(task.retry.maxAttempts)"), ("Backend", task.backend), ("Workers", task.workerIDs.joined(separator: ", "))] {
            body += "<dt>\(label)</dt><dd>\(HTML.escape(value))</dd>"
        }
        body += "</dl>\n<h2>Timeline</h2>\n<ol class=\"timeline\">"
        body += "<li>Enqueued \(Self.time(task.enqueuedAt))</li>"
        if task.runAfter > task.enqueuedAt { body += "<li>Runs after \(Self.time(task.runAfter))</li>" }
        if let started = task.startedAt { body += "<li>First started \(Self.time(started))</li>" }
        for error in task.errors { body += "<li class=\"bad\">Attempt \(error.attempt) failed \(Self.time(error.failedAt))</li>" }
        if let last = task.lastAttemptedAt, task.attempts > 1 { body += "<li>Last attempt started \(Self.time(last))</li>" }
        if let finished = task.finishedAt { body += "<li>\(task.status == .successful ? "Succeeded" : "Failed") \(Self.time(finished))</li>" }
        body += "</ol>\n<h2>Arguments</h2>\n<pre class=\"json\">\(HTML.escape(Self.prettyJSON(task.arguments)))</pre>\n"
        if let value = task.returnValue { body += "<h2>Return value</h2>\n<pre class=\"json\">\(HTML.escape(Self.prettyJSON(value)))</pre>\n" }
        body += "<h2>Attempts</h2>\n<table class=\"grid\"><thead><tr><th>#</th><th>Worker</th><th>Start</th><th>End</th><th>Duration</th><th>Outcome</th></tr></thead><tbody>\n"
        body += attemptRows(task)
        body += "</tbody></table>\n"
        for error in task.errors {
            body += "<details class=\"error-detail\" open><summary>Attempt \(error.attempt): \(HTML.escape(error.exceptionType))</summary>"
            body += "<p>\(HTML.escape(error.message))</p>"
            if let traceback = error.traceback { body += "<pre class=\"traceback\">\(HTML.escape(traceback))</pre>" }
            body += "</details>\n"
        }
        return layout(title: "Task \(id)", active: "tasks", body: body)
    }

    /// One row per attempt. A store keeps the start of the first and the latest attempt and the time of each
    /// failure; an attempt's start in between is the previous one's end, shown as unknown rather than guessed.
    private func attemptRows(_ task: TaskRecord) -> String {
        guard task.attempts > 0 else { return "<tr><td colspan=\"6\" class=\"empty\">Not started yet.</td></tr>\n" }
        var rows = ""
        for attempt in 1...min(task.attempts, 1000) {
            let error = task.errors.first { $0.attempt == attempt }
            let worker = error?.workerID ?? (attempt <= task.workerIDs.count ? task.workerIDs[attempt - 1] : "")
            let start: Date? = attempt == 1 ? task.startedAt : (attempt == task.attempts ? task.lastAttemptedAt : nil)
            let end: Date? = error?.failedAt ?? (attempt == task.attempts ? task.finishedAt : nil)
            let duration = zip2(start, end).map { Self.age($0.1.timeIntervalSince($0.0)) } ?? "–"
            let outcome: String
            if let error { outcome = "<span class=\"badge bad\">\(HTML.escape(error.exceptionType))</span>" }
            else if attempt == task.attempts { outcome = Self.statusBadge(task) }
            else { outcome = "–" }
            rows += "<tr><td class=\"num\">\(attempt)</td><td>\(HTML.escape(worker))</td><td>\(start.map(Self.time) ?? "–")</td><td>\(end.map(Self.time) ?? "–")</td><td class=\"num\">\(duration)</td><td>\(outcome)</td></tr>\n"
        }
        return rows
    }

    func workers() async throws -> Response {
        let workers = try await api.workerViews(now: Date())
        var body = "<h1>Workers</h1>\n<table class=\"grid\"><thead><tr><th>Worker</th><th>Host</th><th>Pid</th><th>Queues</th><th>State</th><th>Current tasks</th><th>Last heartbeat</th><th>Done</th></tr></thead><tbody>\n"
        if workers.isEmpty { body += "<tr><td colspan=\"8\" class=\"empty\">No worker is registered.</td></tr>\n" }
        for view in workers {
            let worker = view.worker
            let current = worker.currentTaskIDs.map { "<a href=\"\(HTML.escape(console.path("/tasks/\($0)")))\">\($0)</a>" }.joined(separator: " ")
            body += "<tr\(view.stale ? " class=\"stale\"" : "")><td>\(HTML.escape(worker.id))</td><td>\(HTML.escape(worker.host))</td><td class=\"num\">\(worker.pid)</td>"
            body += "<td>\(HTML.escape(worker.queues))</td><td>\(HTML.escape(worker.state))\(view.stale ? " <span class=\"badge bad\">stale</span>" : "")</td>"
            body += "<td>\(current)</td><td>\(Self.time(worker.heartbeatAt))</td><td class=\"num\">\(worker.tasksDone)</td></tr>\n"
        }
        body += "</tbody></table>\n"
        return layout(title: "Workers", active: "workers", body: body)
    }

    // MARK: pieces

    private func filterForm(_ parameters: [String: String]) -> String {
        func value(_ key: String) -> String { HTML.escape(parameters[key] ?? "") }
        var form = "<form class=\"filters\" method=\"get\" action=\"\(HTML.escape(console.path("/tasks")))\">"
        form += "<label>Status <select name=\"status\"><option value=\"\">any</option>"
        for status in TaskStatus.allCases {
            form += "<option\((parameters["status"] ?? "").uppercased() == status.rawValue ? " selected" : "")>\(status.rawValue)</option>"
        }
        form += "</select></label>"
        form += "<label>Queue <input name=\"queue\" value=\"\(value("queue"))\"></label>"
        form += "<label>Task <input name=\"task\" value=\"\(value("task"))\"></label>"
        form += "<label>From <input name=\"from\" type=\"date\" value=\"\(value("from"))\"></label>"
        form += "<label>To <input name=\"to\" type=\"date\" value=\"\(value("to"))\"></label>"
        form += "<label>Arguments contain <input name=\"q\" value=\"\(value("q"))\"></label>"
        form += "<button type=\"submit\">Filter</button></form>\n"
        return form
    }

    func layout(title: String, active: String, body: String, status: HTTPResponse.Status = .ok) -> Response {
        let configuration = console.configuration
        func nav(_ key: String, _ label: String, _ path: String) -> String {
            "<a href=\"\(HTML.escape(console.path(path)))\"\(key == active ? " aria-current=\"page\"" : "")>\(label)</a>"
        }
        let html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="csrf-token" content="\(HTML.escape(configuration.readOnly ? "" : configuration.csrfToken))">
            <meta name="console-base" content="\(HTML.escape(configuration.basePath))">
            <meta name="refresh-seconds" content="\(configuration.refreshSeconds)">
            <title>\(HTML.escape(title)) · Offload</title>
            <link rel="stylesheet" href="\(HTML.escape(console.path("/assets/console.css")))">
            <script src="\(HTML.escape(console.path("/assets/console.js")))" defer></script>
            </head><body>
            <header><strong>Offload</strong><nav>\(nav("overview", "Overview", "/"))\(nav("tasks", "Tasks", "/tasks"))\(nav("workers", "Workers", "/workers"))\(nav("schedules", "Schedules", "/schedules"))</nav>
            <span class="live"><button type="button" id="pause" aria-pressed="false">Pause</button> <span id="updated"></span>\(configuration.readOnly ? " <span class=\"badge\">read-only</span>" : "")</span></header>
            <main id="content">
            \(body)</main>
            </body></html>
            """
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static func statusBadge(_ task: TaskRecord) -> String {
        let kind: String
        switch task.status {
        case .successful: kind = "ok"
        case .failed: kind = "bad"
        case .cancelled: kind = "wait"
        case .running: kind = "run"
        case .pending: kind = task.runAfter > Date() ? "wait" : ""
        }
        let label = task.status == .pending && task.runAfter > Date() ? "DELAYED" : task.status.rawValue
        return "<span class=\"badge status \(kind)\">\(label)</span>"
    }

    static func time(_ date: Date) -> String {
        "<time datetime=\"\(date.formatted(.iso8601))\">\(HTML.escape(date.formatted(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: false).timeSeparator(.colon))))</time>"
    }

    /// `42 ms`, `3.2 s`, `5 min`, `2.5 h`, `3 d`: never traps on a huge or negative value.
    static func age(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "–" }
        let s = max(0, seconds)
        if s < 1 { return "\(Int(s * 1000)) ms" }
        if s < 60 { return String(format: "%.1f s", s) }
        if s < 3600 { return String(format: "%.0f min", s / 60) }
        if s < 86_400 { return String(format: "%.1f h", s / 3600) }
        return String(format: "%.0f d", min(s / 86_400, 1e9))
    }

    static func clip(_ text: String, _ count: Int) -> String {
        text.count <= count ? text : String(text.prefix(count)) + "…"
    }

    /// Indented JSON; the text as stored when it is not JSON (a damaged row still shows).
    static func prettyJSON(_ text: String) -> String {
        guard let data = text.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]),
              let pretty = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes]),
              let result = String(data: pretty, encoding: .utf8) else { return text }
        return result
    }

    static func queryEscape(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    static func queryString(_ pairs: [(String, String)]) -> String {
        pairs.map { "\(queryEscape($0.0))=\(queryEscape($0.1))" }.joined(separator: "&")
    }

    static func filterJSON(_ query: TaskListQuery) -> String {
        let object = Dictionary(query.parameters, uniquingKeysWith: { $1 })
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}

private func zip2<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
    guard let a, let b else { return nil }
    return (a, b)
}
