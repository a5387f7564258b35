import Foundation

/// Part 10b (issue 14, "the tasks page answers in under 50 ms with one million finished rows"): the real
/// `offload-web` over a SQLite file holding a million finished tasks (mixed queues, task names and
/// statuses, enqueued over 30 days), each page and API call requested about 50 times over one keep-alive
/// HTTP connection by curl, and timed on the client.
struct ConsoleLatencyBenchmark {
    /// "10 Console over 1 000 000 finished rows" (100 000 with `--quick`).
    var section: String { "10 Console over \(Units.grouped(rows)) finished rows" }
    /// The goal for the tasks page (and its API), judged on the median; p99 is shown beside it.
    static let target = 50.0
    static let queues = ["default", "emails", "reports", "images"]
    static let days = 30

    let options: BenchmarkOptions

    var rows: Int { options.counts.scaleLargeTable }
    var requests: Int { options.quick ? 20 : 50 }
    /// Past this, a slow page gets fewer requests (at least ``minimumRequests``): the part must end.
    var budgetPerPage: Duration { options.quick ? .seconds(5) : .seconds(20) }
    static let minimumRequests = 5

    func run(report: BenchmarkReport) async throws {
        guard let web = options.web else { return }
        Console.line("\n[10] offload-web over \(Units.grouped(rows)) finished tasks: each page \(requests) times over one connection (curl), p50/p99 on the client")
        let database = try ScratchDatabase(directory: options.directory, name: "console-history")
        // OFFLOAD_BENCH_KEEP=1 keeps the file, for `EXPLAIN QUERY PLAN` of a slow page.
        defer { if ProcessInfo.processInfo.environment["OFFLOAD_BENCH_KEEP"] != "1" { database.remove() } }
        let insertStart = ContinuousClock.now
        let base = try Self.insertHistory(rows: rows, into: database.openRaw())
        Console.line("  \(Units.grouped(rows)) rows inserted in \(Units.seconds((ContinuousClock.now - insertStart).inSeconds))")
        let console = try await WebConsoleProcess.start(executable: web, database: database.path, directory: options.directory)
        do {
            try await measurePages(on: console, base: base, report: report)
        } catch {
            await console.stop()
            throw error
        }
        await console.stop()
    }

    private func measurePages(on console: WebConsoleProcess, base: Int64, report: BenchmarkReport) async throws {
        // The rows' ids run 1…rows in enqueue order; the date range is one day twenty days back, so that
        // an id-ordered walk from the newest must pass two thirds of the table to reach it.
        let day = Int64(86_400) * 1_000_000
        let from = Date(timeIntervalSince1970: Double(base + 10 * day) / 1e6).formatted(.iso8601)
        let to = Date(timeIntervalSince1970: Double(base + 11 * day) / 1e6).formatted(.iso8601)
        let filters: [(String, String)] = [
            ("first page", ""),
            ("deep page (keyset, before the middle id)", "before=\(rows / 2)"),
            ("status FAILED (5 %)", "status=FAILED"),
            ("queue emails (25 %)", "queue=emails"),
            ("task name, common (5 %)", "task=app.task7"),
            ("task name, rare (0.1 %)", "task=app.rare"),
            ("date range, one day 20 days back", "from=\(from)&to=\(to)"),
            ("free text, one old match", "q=x\(rows / 10)y"),
        ]
        var pages: [(name: String, path: String, judged: Bool)] = []
        for (name, query) in filters {
            pages.append(("tasks page, \(name)", "/tasks" + (query.isEmpty ? "" : "?" + query), true))
            pages.append(("/api/v1/tasks, \(name)", "/api/v1/tasks" + (query.isEmpty ? "" : "?" + query), true))
        }
        pages.append(("Overview page", "/", false))
        pages.append(("/metrics", "/metrics", false))
        for page in pages {
            let timings = try await time(console.baseURL + page.path.replacingOccurrences(of: "+", with: "%2B"), name: page.name)
            let percentiles = Percentiles(milliseconds: timings.map(\.milliseconds))
            let statuses = Set(timings.map(\.status))
            report.add(Figure(
                section: section, name: page.name, value: percentiles.p50, unit: "ms p50",
                display: "p50 \(Units.milliseconds(percentiles.p50)), p99 \(Units.milliseconds(percentiles.p99)) (n=\(percentiles.count))",
                target: page.judged ? "< \(Int(Self.target)) ms" : nil, met: page.judged ? percentiles.p50 < Self.target && statuses == [200] : nil,
                note: "GET \(page.path)" + (statuses == [200] ? "" : "; answered \(statuses.sorted().map(String.init).joined(separator: ", "))")))
        }
    }

    /// One request first (its cost is not counted: the connection and the page cache warm up), then
    /// batches of ten until ``requests`` or the page's time budget, whichever comes first.
    private func time(_ url: String, name: String) async throws -> [HTTPClient.Answer] {
        let log = options.directory + "/console-history-curl.log"
        _ = try await HTTPClient.fetch([url], log: log)
        var answers: [HTTPClient.Answer] = []
        let start = ContinuousClock.now
        while answers.count < requests {
            let batch = min(10, requests - answers.count)
            answers += try await HTTPClient.fetch(Array(repeating: url, count: batch), log: log)
            if answers.count >= Self.minimumRequests, ContinuousClock.now - start > budgetPerPage { break }
        }
        return answers
    }

    /// Inserts `rows` finished tasks in transactions of 100,000 rows, one `INSERT … SELECT` from a
    /// recursive CTE each: ids 1…rows, enqueued evenly over the last 30 days, four queues, twenty common task
    /// names and one rare, 5 % FAILED (with an error), 1 % CANCELLED, the rest SUCCESSFUL; each argument
    /// holds a unique word (`x<id>y`) for the free-text filter. Returns the first row's enqueue time.
    static func insertHistory(rows: Int, into connection: RawConnection) throws -> Int64 {
        let now = WallClock.micros()
        let span = Int64(days) * 86_400 * 1_000_000
        let base = now - span
        let step = span / Int64(max(1, rows))
        let queueCase = "CASE i % 4 " + queues.enumerated().map { "WHEN \($0.offset) THEN '\($0.element)'" }.joined(separator: " ") + " END"
        var inserted = 0
        while inserted < rows {
            let chunk = min(100_000, rows - inserted)
            try connection.execute("""
                BEGIN IMMEDIATE;
                WITH RECURSIVE n(i) AS (SELECT \(inserted + 1) UNION ALL SELECT i + 1 FROM n WHERE i < \(inserted + chunk))
                INSERT INTO offload_task (id, task_name, queue_name, backend, priority, status, arguments, return_value, errors,
                                          enqueued_at, run_after, started_at, finished_at, last_attempted_at,
                                          attempts, worker_id, worker_ids)
                SELECT i,
                       CASE WHEN i % 1000 = 999 THEN 'app.rare' ELSE 'app.task' || (i % 20) END,
                       \(queueCase), 'default', 0,
                       CASE WHEN i % 20 = 3 THEN 'FAILED' WHEN i % 100 = 7 THEN 'CANCELLED' ELSE 'SUCCESSFUL' END,
                       '{"value":"x' || i || 'y","user":' || (i % 5000) || '}',
                       CASE WHEN i % 20 = 3 OR i % 100 = 7 THEN NULL ELSE '"done"' END,
                       CASE WHEN i % 20 = 3 THEN '[{"attempt":1,"exceptionType":"App.Failure","failedAt":"2026-11-01T00:00:00.000Z","message":"failed at step ' || (i % 7) || '","workerID":"worker-1"}]' ELSE '[]' END,
                       \(base) + i * \(step), \(base) + i * \(step), \(base) + i * \(step) + 1000, \(base) + i * \(step) + 51000,
                       \(base) + i * \(step) + 1000,
                       1, 'worker-' || (i % 8), '["worker-' || (i % 8) || '"]'
                FROM n;
                COMMIT;
                """)
            inserted += chunk
        }
        try connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return base
    }
}
