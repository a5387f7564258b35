import Foundation

/// Part 10a (issue 14, "the console's and the metrics' cost on the drain is under 5 %"): the same
/// supervised drain of no-op tasks, in alternating rounds, plain; with the real `offload-web` on the same
/// SQLite file, polled by ``ConsolePoller`` (Overview every second, `/metrics` once per drain: a drain is
/// shorter than Prometheus's 15 s); and with the workers' own metrics (`BENCHMARK_WORKER_METRICS=prometheus`,
/// swift-prometheus's factory bootstrapped in the same worker executable). Each variant's rate is read
/// against the plain drain of the same round.
struct ConsoleCostBenchmark {
    static let section = "10 Console and metrics cost on the drain"
    static let budget = 0.05
    static let rounds = 5
    static let workers = 2

    enum Variant: String, CaseIterable {
        case plain = "plain"
        case web = "offload-web polled"
        case workerMetrics = "worker metrics (Prometheus factory)"
    }

    let options: BenchmarkOptions

    /// Long enough drains that the poller's requests land inside them: about 4 s at 25,000 tasks/s.
    var count: Int { options.quick ? 20_000 : 100_000 }

    func run(report: BenchmarkReport) async throws {
        guard let web = options.web else {
            report.note("part 10 (console) skipped: no --web (Benchmarks/run passes the release offload-web)")
            return
        }
        Console.line("\n[10] Drain \(Units.grouped(count)) no-op tasks with \(Self.workers) supervised workers: plain, with offload-web polled, with worker metrics (\(Self.rounds) alternating rounds)")
        var rates: [Variant: [Double]] = [:]
        var webCPU: [Double] = []
        var answers: [HTTPClient.Answer] = []
        for round in 0..<Self.rounds {
            for variant in Variant.allCases {
                let name = "console-drain-\(round)-\(variant == .plain ? "plain" : variant == .web ? "web" : "metrics")"
                let database = try SQLiteScratchStore(directory: options.directory, name: name, worker: options.worker)
                var drainOptions = options
                var poller: ConsolePoller?
                var console: WebConsoleProcess?
                switch variant {
                case .plain:
                    break
                case .web:
                    let started = try await WebConsoleProcess.start(executable: web, database: database.location, directory: options.directory)
                    console = started
                    poller = ConsolePoller(baseURL: started.baseURL, log: options.directory + "/" + name + "-curl.log", scrapesMetrics: true)
                case .workerMetrics:
                    drainOptions.workerEnvironment["BENCHMARK_WORKER_METRICS"] = "prometheus"
                }
                let cpuBefore = console.flatMap { ProcessSample.read(pid: $0.process.pid) }
                let run: DrainRun
                do {
                    run = try await DrainRun.measure(database, options: drainOptions, workers: Self.workers, count: count, companion: poller)
                } catch {
                    await console?.stop()
                    throw error
                }
                if let console {
                    if let before = cpuBefore, let after = ProcessSample.read(pid: console.process.pid) {
                        webCPU.append(after.cpuSeconds - before.cpuSeconds)
                    }
                    await console.stop()
                }
                if let poller { answers += poller.answers.withLock { $0 } }
                rates[variant, default: []].append(run.rate)
            }
            Console.line("  round \(round + 1): " + Variant.allCases.map { "\($0.rawValue) \(Units.rate(rates[$0]?[round] ?? 0))" }.joined(separator: ", ") + " tasks/s")
        }
        let plain = rates[.plain] ?? []
        report.add(Figure(
            section: Self.section, name: "\(Self.workers) workers, plain", value: FeatureCostBenchmark.median(plain), unit: "tasks/s",
            display: FeatureCostBenchmark.spread(plain), note: "\(Units.grouped(count)) tasks per drain, SQLite, supervisor"))
        for variant in [Variant.web, .workerMetrics] {
            let measured = rates[variant] ?? []
            let ratios = zip(measured, plain).map { $0 / $1 }
            let median = FeatureCostBenchmark.median(ratios)
            var note = "median of the per-round ratios to the plain drain of the same round"
            if variant == .web {
                let overview = answers.filter { $0.status == 200 }.count
                let failed = answers.filter { $0.status != 200 }.count
                note += "; \(answers.count) requests during the drains (\(overview) answered 200\(failed > 0 ? ", \(failed) NOT 200" : "")), p50 \(Units.milliseconds(Percentiles(milliseconds: answers.map(\.milliseconds)).p50)); offload-web CPU per drain \(webCPU.isEmpty ? "unknown" : String(format: "%.2f s", FeatureCostBenchmark.median(webCPU)))"
            }
            report.add(Figure(
                section: Self.section, name: "\(Self.workers) workers, \(variant.rawValue)", value: FeatureCostBenchmark.median(measured), unit: "tasks/s",
                display: FeatureCostBenchmark.spread(measured)))
            report.add(Figure(
                section: Self.section, name: "\(variant.rawValue) / plain", value: median, unit: "ratio",
                display: "\(String(format: "%.3f", median)) (rounds \(ratios.map { String(format: "%.3f", $0) }.joined(separator: ", ")))",
                target: "≥ \(String(format: "%.2f", 1 - Self.budget))", met: median >= 1 - Self.budget, note: note))
        }
    }
}
