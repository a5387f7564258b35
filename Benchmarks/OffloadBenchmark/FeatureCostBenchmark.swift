import Foundation

/// Part 9 (issue 15, "none of this costs the plain drain more than 5 %"): the plain drain of today's code
/// against the baseline's, the commit before cancel, pause, concurrency limits, unique tasks, schedules,
/// counters and trace context were merged.
///
/// Each side measures with its own benchmark binary, supervisor and worker, and its own schema (a database
/// made by today's migrations would give the baseline today's extra indexes): `offload-benchmark --only drain
/// --drain-workers 2` of each commit, whose part 3 drains the same no-op tasks, with the same counts, workers,
/// flags and durability, under the supervisor and then standalone, and writes the figures as JSON. Rounds
/// alternate, baseline then today (ABAB…), so both sides see the same drift in the machine's load; each
/// round's ratio is today's rate over the baseline's of the same round, and the verdict is their median.
struct FeatureCostBenchmark {
    static let section = "9 Feature cost (plain drain, today / baseline)"
    /// The plain drain may be at most this much slower than the baseline's.
    static let budget = 0.05
    /// Rounds per side: at least five, as the issue's budget is small next to a shared machine's noise.
    static let rounds = 5
    static let drainSection = "3 Drain (real supervisor)"
    static let workers = 2

    let options: BenchmarkOptions

    struct Side {
        var name: String
        var benchmark: String
        var supervisor: String
        var worker: String
    }

    /// One side's figures from one invocation: part 3's medians with and without the supervisor.
    struct Rates {
        var supervised: Double
        var standalone: Double
    }

    func run(report: BenchmarkReport) async throws {
        guard let baseline = options.baseline else {
            report.note("part 9 (feature cost) skipped: no --baseline-benchmark; Benchmarks/run builds the baseline (--baseline REV)")
            return
        }
        let today = Side(name: "today", benchmark: try Self.ownExecutable(), supervisor: options.supervisor, worker: options.worker)
        let before = Side(name: baseline.name, benchmark: baseline.benchmark, supervisor: baseline.supervisor, worker: baseline.worker)
        let counts = options.counts
        Console.line("\n[9] Plain drain, today against \(baseline.name): \(Self.rounds) alternating rounds per side, each one `offload-benchmark --only drain --drain-workers \(Self.workers)\(options.quick ? " --quick" : "")` (\(Units.grouped(counts.drainTasks)) tasks, median of \(counts.drainRepetitions) drains with the supervisor and \(counts.drainRepetitions) without)")
        var baselineRates: [Rates] = []
        var todayRates: [Rates] = []
        for round in 0..<Self.rounds {
            baselineRates.append(try await measure(before, round: round))
            todayRates.append(try await measure(today, round: round))
            Console.line("  round \(round + 1): \(baseline.name) \(Units.rate(baselineRates[round].supervised))/\(Units.rate(baselineRates[round].standalone)), today \(Units.rate(todayRates[round].supervised))/\(Units.rate(todayRates[round].standalone)) tasks/s (supervised/standalone)")
        }
        for (label, rate) in [("with the supervisor", \Rates.supervised), ("standalone", \Rates.standalone)] as [(String, KeyPath<Rates, Double>)] {
            let old = baselineRates.map { $0[keyPath: rate] }
            let new = todayRates.map { $0[keyPath: rate] }
            report.add(Figure(
                section: Self.section, name: "\(Self.workers) workers \(label), \(baseline.name)", value: Self.median(old), unit: "tasks/s",
                display: Self.spread(old), note: "baseline's own benchmark, supervisor and worker"))
            report.add(Figure(
                section: Self.section, name: "\(Self.workers) workers \(label), today", value: Self.median(new), unit: "tasks/s",
                display: Self.spread(new)))
            let ratios = zip(new, old).map { $0 / $1 }
            let median = Self.median(ratios)
            report.add(Figure(
                section: Self.section, name: "\(Self.workers) workers \(label): today / \(baseline.name)", value: median, unit: "ratio",
                display: "\(String(format: "%.3f", median)) (rounds \(ratios.map { String(format: "%.3f", $0) }.joined(separator: ", ")); ratio of medians \(String(format: "%.3f", Self.median(new) / Self.median(old))))",
                target: "≥ \(String(format: "%.2f", 1 - Self.budget))", met: median >= 1 - Self.budget,
                note: "median of the per-round ratios, each today's drain against the baseline's drain just before it"))
        }
    }

    /// Runs one side's part 3 once and reads its JSON.
    private func measure(_ side: Side, round: Int) async throws -> Rates {
        let name = "features-\(side.name)-\(round)"
        let json = options.directory + "/" + name + ".json"
        var arguments = [
            "--supervisor", side.supervisor, "--worker", side.worker,
            "--directory", options.directory + "/" + name,
            "--json", json, "--only", "drain", "--drain-workers", String(Self.workers), "--no-postgres",
        ]
        if options.quick { arguments.append("--quick") }
        try await ChildRun.run(side.benchmark, arguments, log: options.directory + "/" + name + ".log")
        struct Document: Decodable { var figures: [Figure] }
        let figures = try JSONDecoder().decode(Document.self, from: Data(contentsOf: URL(fileURLWithPath: json))).figures
            .filter { $0.section == Self.drainSection }
        guard let supervised = figures.first(where: { $0.name == "\(Self.workers) workers" }),
              let standalone = figures.first(where: { $0.name == "\(Self.workers) workers without the supervisor" })
        else {
            throw BenchmarkFailure("\(side.benchmark) wrote no part 3 figures for \(Self.workers) workers in \(json)")
        }
        try? FileManager.default.removeItem(atPath: options.directory + "/" + name)
        return Rates(supervised: supervised.value, standalone: standalone.value)
    }

    /// This very executable, which measures today's side the same way the baseline's measures its own.
    static func ownExecutable() throws -> String {
        do {
            return try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        } catch {
            throw BenchmarkFailure("cannot read /proc/self/exe to run today's side of part 9: \(error)")
        }
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    /// "25,000 tasks/s (runs 24,000–26,000; ±4 %)": the median, the range and the half-range against the median.
    static func spread(_ rates: [Double]) -> String {
        let median = median(rates)
        guard let low = rates.min(), let high = rates.max() else { return "none" }
        return "\(Units.rate(median)) tasks/s (runs \(rates.map(Units.rate).joined(separator: ", ")); spread ±\(String(format: "%.1f", (high - low) / 2 / median * 100)) %)"
    }
}
