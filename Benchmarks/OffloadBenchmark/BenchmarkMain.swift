import Foundation

/// `offload-benchmark`: Offload's throughput, latency, memory and scale, each read against what
/// SQLite itself (and, in part 8, PostgreSQL itself) does on the same machine in the same run.
///
/// Run it with `Benchmarks/run` (release build, a scratch directory next to the repository, the
/// figures printed as a Markdown table and written as JSON). Each part lives in its own file:
///
/// 1. ``SQLiteLimitBenchmark``: the ceiling, with raw prepared statements on Offload's schema;
/// 2. ``EnqueueBenchmark``: tasks/s through `SQLiteTaskStore.enqueue`, one by one and in bulk;
/// 3. ``DrainBenchmark``: the real supervisor with 1, 2 and 4 workers emptying a queue of no-op tasks;
/// 4–5. ``IdleWorkerBenchmark``: an idle worker's CPU and memory, then enqueue-to-start latency;
/// 6. ``ClaimScaleBenchmark`` and ``PruneStallBenchmark``: claims with a million finished rows,
///    and how long pruning them stalls other writers;
/// 7. reload time, not measured here (see docs/development.md);
/// 8. ``PostgresBenchmark``: parts 1 to 4 on PostgreSQL (its own limit, enqueue, drain, latency), each
///    next to the SQLite figure of the same run. `Benchmarks/run` starts a throwaway server for it.
/// 9. ``FeatureCostBenchmark``: the plain drain today against the baseline commit's, in alternating rounds;
/// 10. ``ConsoleCostBenchmark`` and ``ConsoleLatencyBenchmark``: the drain with `offload-web` polled and with
///    worker metrics, and the console's pages over a million finished rows.
///
/// It is a benchmark, not a test: nothing in the test suite runs it or depends on a timing.
@main
struct BenchmarkMain {
    static func main() async {
        let options: BenchmarkOptions
        do {
            options = try BenchmarkOptions.parse(Array(CommandLine.arguments.dropFirst()))
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            exit(64)
        }
        do {
            try await run(options)
        } catch {
            FileHandle.standardError.write(Data("offload-benchmark: \(error)\n".utf8))
            exit(1)
        }
    }

    static func run(_ options: BenchmarkOptions) async throws {
        try FileManager.default.createDirectory(atPath: options.directory, withIntermediateDirectories: true)
        let report = BenchmarkReport(machine: .current(directory: options.directory, swiftVersion: options.swiftVersion))
        Console.line(report.machine.summaryLines.joined(separator: "\n"))
        if report.machine.fileSystem.hasPrefix("tmpfs") {
            report.note("the benchmark directory is on tmpfs: commits never reach a disk, so the figures overstate a real deployment")
        }
        if options.quick {
            report.note("--quick: smaller counts, for a smoke run; do not quote these figures")
        }

        let parts = options.parts
        var limits: SQLiteLimitBenchmark.Limits?
        if !parts.isDisjoint(with: [.limit, .enqueue, .drain]) {
            limits = try SQLiteLimitBenchmark(directory: options.directory, counts: options.counts).run(report: report)
        }
        if parts.contains(.enqueue), let limits {
            try await EnqueueBenchmark(directory: options.directory, counts: options.counts).run(report: report, limits: limits)
        }
        if parts.contains(.durability) {
            try await GroupCommitBenchmark(directory: options.directory, writes: options.counts.limitWrites / 5).run(report: report)
            try await DurabilityLatencyBenchmark(options: options).run(report: report)
        }
        // What part 8 compares PostgreSQL with: the SQLite figures of this same run.
        var sqlite = PostgresBenchmark.SQLiteComparison()
        var afterDrain: ProcessFootprint?
        if parts.contains(.drain), let limits {
            let drains = try await DrainBenchmark(options: options).run(report: report, limits: limits)
            afterDrain = drains.footprint
            sqlite.drainRates = drains.medianRates
        }
        if parts.contains(.idle) {
            sqlite.latency = try await IdleWorkerBenchmark(options: options).run(report: report, afterDrain: afterDrain)
        }
        if parts.contains(.scale) {
            let history = try ClaimScaleBenchmark(options: options).run(report: report)
            try await PruneStallBenchmark().run(database: history, report: report)
        }
        if parts == Set(BenchmarkOptions.Part.allCases) {
            Console.line("\n[7] Reload time: measured separately, see docs/development.md")
            report.note("reload time (rebuild and worker swap) is measured separately: see docs/development.md")
        }
        if parts.contains(.features) {
            try await FeatureCostBenchmark(options: options).run(report: report)
        }
        if parts.contains(.console) {
            try await ConsoleCostBenchmark(options: options).run(report: report)
            try await ConsoleLatencyBenchmark(options: options).run(report: report)
        }
        // Last, so that the SQLite parts run before its server has any work to do.
        if parts.contains(.postgres) {
            await PostgresBenchmark(options: options).run(report: report, sqlite: sqlite)
        }

        report.machine.loadAverageAtEnd = MachineDescription.loadAverage()
        report.printSummary()
        if let json = options.json {
            try report.writeJSON(to: json)
            Console.line("\nFigures written to \(json)")
        }
    }
}
