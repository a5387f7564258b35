import Foundation
import OffloadSupervisor
import Synchronization

/// Real HTTP requests to `offload-web`, made by curl (one process, one keep-alive connection for a list of
/// URLs) and timed by curl itself on the client side (`%{time_total}`: connect, request, whole response).
enum HTTPClient {
    struct Answer {
        var status: Int
        var milliseconds: Double
    }

    static let writeOut = "offload-bench %{http_code} %{time_total}\\n"

    /// Requests each URL in turn over one connection and returns curl's timing of each.
    static func fetch(_ urls: [String], log: String) async throws -> [Answer] {
        let lines = try await ChildRun.run("/usr/bin/curl", arguments(for: urls), log: log, timeout: .seconds(600))
        let answers = lines.compactMap(answer)
        guard answers.count == urls.count else {
            throw BenchmarkFailure("curl answered \(answers.count) of \(urls.count) requests; its log:\n\(ChildRun.tail(of: log))")
        }
        return answers
    }

    /// `-o /dev/null` for each URL, since curl applies one to one URL only; `--rate` spaces the requests.
    static func arguments(for urls: [String], rate: String? = nil) -> [String] {
        var arguments = ["--silent", "--show-error", "--write-out", writeOut]
        if let rate { arguments += ["--rate", rate] }
        for url in urls { arguments += [url, "--output", "/dev/null"] }
        return arguments
    }

    /// "offload-bench 200 0.004211" → 200, 4.211 ms.
    static func answer(_ line: String) -> Answer? {
        let words = line.split(separator: " ")
        guard words.count == 3, words[0] == "offload-bench", let status = Int(words[1]), let seconds = Double(words[2]) else { return nil }
        return Answer(status: status, milliseconds: seconds * 1_000)
    }
}

/// The console part's poller: from the commit of a drain's tasks to their end, the Overview page every
/// second, as a browser left open on it, and `/metrics` at the start and then every 15 s, as Prometheus.
/// A drain is shorter than 15 s, so every drain sees one scrape: more than a 15 s interval would cost it.
/// Each request is one curl process (a few milliseconds of CPU a second, counted in the console's cost).
final class ConsolePoller: DrainCompanion {
    let baseURL: String
    let log: String
    let scrapesMetrics: Bool
    private let polling = Mutex<Task<[HTTPClient.Answer], Never>?>(nil)
    /// Answers seen over every drain so far, for the report.
    let answers = Mutex<[HTTPClient.Answer]>([])

    init(baseURL: String, log: String, scrapesMetrics: Bool) {
        self.baseURL = baseURL
        self.log = log
        self.scrapesMetrics = scrapesMetrics
    }

    func drainStarted() async throws {
        let baseURL = baseURL, log = log, scrapesMetrics = scrapesMetrics
        let task = Task {
            var seen: [HTTPClient.Answer] = []
            let clock = ContinuousClock()
            let start = clock.now
            var second = 0
            while !Task.isCancelled {
                let url = scrapesMetrics && second % 15 == 0 ? baseURL + "/metrics" : baseURL + "/"
                if let answers = try? await HTTPClient.fetch([url], log: log) { seen += answers }
                second += 1
                try? await Task.sleep(until: start + .seconds(second), clock: clock)
            }
            return seen
        }
        polling.withLock { $0 = task }
    }

    func drainEnded() async {
        guard let task = polling.withLock({ current -> Task<[HTTPClient.Answer], Never>? in defer { current = nil }; return current }) else { return }
        task.cancel()
        let seen = await task.value
        answers.withLock { $0 += seen }
    }
}
