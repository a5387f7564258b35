import Foundation

/// The benchmark's flags. `Benchmarks/run` passes all of them; by hand:
///
/// ```
/// offload-benchmark --supervisor .build-bench/release/supervisor --worker .build-bench/release/offload-benchmark-worker \
///     --directory .build-bench/runs/manual [--quick] [--json Benchmarks/results/latest.json] \
///     [--postgres-worker .build-bench/release/offload-benchmark-postgres-worker --postgres 'postgres://…']
/// ```
struct BenchmarkOptions {
    /// The release `supervisor` executable.
    var supervisor: String
    /// The supervisor's `--log-level`: `warning` keeps the drains quiet; part 5 reads `info` lines (the trims).
    var supervisorLogLevel = "warning"
    /// A worker executable that knows the `benchmark.echo` task (the release `offload-benchmark-worker`).
    var worker: String
    /// The same for PostgreSQL (the release `offload-benchmark-postgres-worker`), for part 8.
    var postgresWorker: String?
    /// The server part 8 measures, as a `postgres://` URL without a password (see docs/postgres.md);
    /// each measurement adds a `schema=` of its own.
    var postgres: String?
    /// The server's data directory, when `Benchmarks/run` started the server: the report names its file system.
    var postgresDataDirectory: String?
    /// Why part 8 is skipped, when `Benchmarks/run` could not get a server (`--postgres-skipped`) or
    /// was told not to (`--no-postgres`): the report says so rather than dropping the part silently.
    var postgresSkipReason: String?
    /// Scratch directory for the databases; must not be tmpfs, or the figures say nothing about a disk.
    var directory: String
    var json: String?
    var swiftVersion: String?
    /// The release `offload-web`, for part 10 (the console's cost on the drain and its pages on a million rows).
    var web: String?
    /// Part 9: the baseline's own release `offload-benchmark`, `supervisor` and `offload-benchmark-worker`,
    /// built by `Benchmarks/run` from the commit before the features of issues 14 and 15 (`--baseline`).
    var baseline: Baseline?
    /// Part 5: a `supervisor` and an `offload-benchmark-worker` built by `scripts/build-release` (statically
    /// linked, SQLite only), the build docs/deployment.md installs; their idle memory is measured beside the
    /// benchmark's own pair.
    var deployment: DeploymentBuild?
    /// Extra environment for the workers (part 10's `BENCHMARK_WORKER_METRICS=prometheus`).
    var workerEnvironment: [String: String] = [:]

    struct Baseline {
        var benchmark: String
        var supervisor: String
        var worker: String
        /// What the report calls it: the commit's short id, as `Benchmarks/run` passes it.
        var name: String
    }

    struct DeploymentBuild {
        var supervisor: String
        var worker: String
    }

    /// Smaller counts: a smoke run that proves every part works, in about a quarter of the time.
    var quick = false
    /// The parts to run (`--only limit,drain`), for profiling one of them; all by default.
    /// Parts that need part 1's figures (enqueue, drain) run it too.
    var parts: Set<Part> = Set(Part.allCases)

    enum Part: String, CaseIterable {
        case limit, enqueue, durability, drain, idle, scale, postgres, features, console
    }

    /// Counts for a full run, or a quick one.
    var counts: Counts {
        var counts = quick ? Counts.quick : Counts.full
        if let drainWorkers { counts.drainWorkers = drainWorkers }
        return counts
    }
    /// `--drain-workers`: part 3 with only these worker counts.
    var drainWorkers: [Int]?

    struct Counts {
        /// Single-row writes, raw and through the store each (part 1 and part 2 one by one).
        var limitWrites: Int
        var limitClaims: Int
        var enqueueBulk: Int
        var drainTasks: Int
        var drainWorkers: [Int]
        /// Drains per worker count; the table shows the median, since one run on a shared machine can be off by 20%.
        var drainRepetitions: Int
        var idleSeconds: Int
        var latencyTasks: Int
        var scaleSmallTable: Int
        var scaleLargeTable: Int
        var scaleClaims: Int
        /// Part 8: single-row writes, raw and through the store each; PostgreSQL commits several times
        /// fewer per second than SQLite, so fewer make rounds of about the same length.
        var postgresWrites: Int
        var postgresDrainTasks: Int
        var postgresDrainWorkers: [Int]

        static let full = Counts(
            limitWrites: 100_000, limitClaims: 50_000, enqueueBulk: 100_000,
            drainTasks: 20_000, drainWorkers: [1, 2, 4], drainRepetitions: 3, idleSeconds: 10, latencyTasks: 600,
            scaleSmallTable: 10_000, scaleLargeTable: 1_000_000, scaleClaims: 2_000,
            postgresWrites: 20_000, postgresDrainTasks: 20_000, postgresDrainWorkers: [1, 2])
        static let quick = Counts(
            limitWrites: 10_000, limitClaims: 5_000, enqueueBulk: 10_000,
            drainTasks: 5_000, drainWorkers: [1, 2, 4], drainRepetitions: 1, idleSeconds: 3, latencyTasks: 100,
            scaleSmallTable: 10_000, scaleLargeTable: 100_000, scaleClaims: 500,
            postgresWrites: 2_000, postgresDrainTasks: 5_000, postgresDrainWorkers: [1, 2])
    }

    static let usage = """
        usage: offload-benchmark --supervisor PATH --worker PATH --directory DIR [--json PATH] [--swift-version TEXT] [--quick]
                                 [--only limit,enqueue,durability,drain,idle,scale,postgres,features,console] [--drain-workers 2,4]
                                 [--web PATH] [--deployment-supervisor PATH --deployment-worker PATH] [--baseline-benchmark PATH --baseline-supervisor PATH --baseline-worker PATH --baseline-name TEXT]
                                 [--postgres-worker PATH --postgres URL [--postgres-data-directory DIR] | --no-postgres | --postgres-skipped REASON]
        Run it through Benchmarks/run, which builds everything in release mode first and starts a PostgreSQL server.
        """

    static func parse(_ arguments: [String]) throws -> BenchmarkOptions {
        var values: [String: String] = [:]
        var quick = false
        var noPostgres = false
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            switch argument {
            case "--quick":
                quick = true
            case "--no-postgres":
                noPostgres = true
            case "--supervisor", "--worker", "--directory", "--json", "--swift-version", "--only",
                 "--postgres", "--postgres-worker", "--postgres-skipped", "--postgres-data-directory", "--drain-workers",
                 "--web", "--baseline-benchmark", "--baseline-supervisor", "--baseline-worker", "--baseline-name",
                 "--deployment-supervisor", "--deployment-worker":
                guard index + 1 < arguments.count else { throw UsageError("\(argument) needs a value") }
                values[argument] = arguments[index + 1]
                index += 1
            case "-h", "--help":
                throw UsageError(nil)
            default:
                throw UsageError("unknown argument \(argument)")
            }
            index += 1
        }
        guard let supervisor = values["--supervisor"], let worker = values["--worker"], let directory = values["--directory"] else {
            throw UsageError("--supervisor, --worker and --directory are required")
        }
        let optionalExecutables = [
            "--postgres-worker", "--web", "--baseline-benchmark", "--baseline-supervisor", "--baseline-worker",
            "--deployment-supervisor", "--deployment-worker",
        ].compactMap { values[$0] }
        for executable in [supervisor, worker] + optionalExecutables
        where !FileManager.default.isExecutableFile(atPath: executable) {
            throw UsageError("\(executable) is not an executable file")
        }
        var options = BenchmarkOptions(supervisor: absolute(supervisor), worker: absolute(worker), directory: absolute(directory))
        options.postgresWorker = values["--postgres-worker"].map(absolute)
        options.postgres = values["--postgres"]
        options.postgresSkipReason = values["--postgres-skipped"]
        options.postgresDataDirectory = values["--postgres-data-directory"]
        if noPostgres {
            options.postgres = nil
            options.postgresSkipReason = "--no-postgres"
        }
        if options.postgres != nil, options.postgresWorker == nil {
            throw UsageError("--postgres needs --postgres-worker (the release offload-benchmark-postgres-worker)")
        }
        options.web = values["--web"].map(absolute)
        let baselineFlags = ["--baseline-benchmark", "--baseline-supervisor", "--baseline-worker"]
        if let benchmark = values["--baseline-benchmark"], let supervisor = values["--baseline-supervisor"], let worker = values["--baseline-worker"] {
            options.baseline = Baseline(
                benchmark: absolute(benchmark), supervisor: absolute(supervisor), worker: absolute(worker),
                name: values["--baseline-name"] ?? "baseline")
        } else if baselineFlags.contains(where: { values[$0] != nil }) {
            throw UsageError("\(baselineFlags.joined(separator: ", ")) go together")
        }
        if let supervisor = values["--deployment-supervisor"], let worker = values["--deployment-worker"] {
            options.deployment = DeploymentBuild(supervisor: absolute(supervisor), worker: absolute(worker))
        } else if values["--deployment-supervisor"] != nil || values["--deployment-worker"] != nil {
            throw UsageError("--deployment-supervisor and --deployment-worker go together")
        }
        options.json = values["--json"]
        options.swiftVersion = values["--swift-version"]
        options.quick = quick
        if let only = values["--only"] {
            options.parts = []
            for name in only.split(separator: ",") {
                guard let part = Part(rawValue: String(name)) else {
                    throw UsageError("unknown part \(name) in --only; the parts are \(Part.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                options.parts.insert(part)
            }
        }
        if let list = values["--drain-workers"] {
            // Part 3 with only these worker counts: for profiling one of them.
            let counts = list.split(separator: ",").map { Int($0) }
            guard !counts.isEmpty, counts.allSatisfy({ ($0 ?? 0) > 0 }) else { throw UsageError("--drain-workers needs positive counts, such as 2 or 1,2") }
            options.drainWorkers = counts.compactMap(\.self)
        }
        return options
    }

    private static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }
}

struct UsageError: Error, CustomStringConvertible {
    var message: String?
    init(_ message: String?) { self.message = message }
    var description: String { (message.map { "offload-benchmark: \($0)\n" } ?? "") + BenchmarkOptions.usage }
}
