import Foundation
import Offload
import OffloadPostgres

/// Part 8, PostgreSQL: parts 1 to 4's questions asked of ``OffloadPostgres/PostgresTaskStore``, each figure
/// read against PostgreSQL's own limit measured in the same run, and next to the SQLite figure of the
/// same run in its note.
///
/// 1. the limit: single-row `INSERT`s of Offload's pending-task row, one per transaction, from one
///    connection with postgres-nio and a prepared statement (``PostgresWriteRounds``);
/// 2. `PostgresTaskStore.enqueue` one by one, in rounds alternating with the limit's, then in bulk as part 2;
/// 3. the real supervisor draining no-op tasks with 1 and 2 workers (``DrainRun``, as part 3);
/// 4. enqueue-to-start latency with one idle worker woken by `LISTEN`/`NOTIFY` (``LatencyProbe``, as part 4),
///    and that worker's memory while idle.
///
/// Every measurement has a schema of its own, dropped afterwards. A server that cannot be reached, or one
/// that fails midway, ends this part with a note; the figures measured so far and the other parts stay.
struct PostgresBenchmark {
    static let section = "8 PostgreSQL"

    /// The SQLite figures of the same run that the notes quote; empty when those parts did not run.
    struct SQLiteComparison {
        var drainRates: [Int: Double] = [:]
        var latency: Percentiles?
    }

    let options: BenchmarkOptions

    func run(report: BenchmarkReport, sqlite: SQLiteComparison) async {
        Console.line("\n[8] PostgreSQL: limit, enqueue, drain and latency")
        guard let url = options.postgres, let worker = options.postgresWorker else {
            let reason = options.postgresSkipReason ?? "no server was given (Benchmarks/run --postgres URL, or OFFLOAD_BENCH_POSTGRES_URL)"
            report.note("PostgreSQL (part 8) skipped: \(reason)")
            return
        }
        let server: PostgresServer
        do {
            server = try await PostgresServer.connect(url: url, dataDirectory: options.postgresDataDirectory.map {
                "\($0) on \(MachineDescription.fileSystem(of: $0))"
            })
        } catch {
            report.note("PostgreSQL (part 8) skipped: the server cannot be used: \(error)")
            return
        }
        report.machine.postgresServer = server.details.summary
        Console.line("  \(server.details.summary)")
        report.note(Self.durabilityNote(server.details))
        if let directory = options.postgresDataDirectory, MachineDescription.fileSystem(of: directory).hasPrefix("tmpfs") {
            report.note("the PostgreSQL data directory is on tmpfs: its fsyncs never reach a disk, so part 8 overstates a real deployment")
        }
        do {
            try await measureWrites(server, report: report)
            try await measureDrains(server, worker: worker, report: report, sqlite: sqlite)
            try await measureLatency(server, worker: worker, report: report, sqlite: sqlite)
        } catch {
            report.note("PostgreSQL (part 8) stopped early: \(error)")
        }
        await server.close()
    }

    /// What the SHOW settings mean next to SQLite's WAL with `synchronous=NORMAL`.
    static func durabilityNote(_ server: PostgresServer.Details) -> String {
        let settings = "fsync=\(server.fsync), synchronous_commit=\(server.synchronousCommit), full_page_writes=\(server.fullPageWrites) (SHOW)"
        if server.fsync == "off" || server.fullPageWrites == "off" {
            return "PostgreSQL runs with \(settings): a crash of the machine can corrupt it, so part 8 overstates a real deployment (Benchmarks/run starts a server with fsync on)"
        }
        if server.synchronousCommit == "off" {
            return "PostgreSQL runs with \(settings): a commit returns before its WAL reaches the disk, so a power failure may lose the last commits but never corrupts, as with SQLite's WAL and synchronous=NORMAL: both stores are measured at the same durability"
        }
        return "PostgreSQL runs with \(settings): every commit waits for its WAL to reach the disk, more durable than SQLite's synchronous=NORMAL, so part 8's commit-bound figures are not comparable with SQLite's"
    }

    /// Figures 1 and 2: the single-row write limit and one-by-one enqueue, in alternating rounds.
    private func measureWrites(_ server: PostgresServer, report: BenchmarkReport) async throws {
        let count = options.counts.postgresWrites
        let rounds = try await PostgresWriteRounds.measure(server: server, count: count)
        report.add(Figure(
            section: Self.section, name: "limit: single-row INSERT transactions (postgres-nio)", value: rounds.raw, unit: "tx/s",
            display: "\(Units.rate(rounds.raw)) tx/s",
            note: "Offload's INSERT of one pending task (RETURNING id), a prepared statement, autocommit, on one connection; median of \(PostgresWriteRounds.rounds) rounds of \(Units.grouped(count / PostgresWriteRounds.rounds)), alternating with the enqueue rounds"))
        let share = rounds.store / rounds.raw
        report.add(Figure(
            section: Self.section, name: "enqueue one by one (PostgresTaskStore.enqueue)", value: rounds.store, unit: "tasks/s",
            display: "\(Units.rate(rounds.store)) tasks/s = \(Int((share * 100).rounded()))% of the limit",
            note: "one statement per task (the INSERT and its NOTIFY), a pooled connection per call; per-round ratios \(rounds.ratios.map { "\(Int(($0 * 100).rounded()))%" }.joined(separator: " "))"))

        let bulk = try await measureBulk(server, count: options.counts.enqueueBulk)
        report.add(Figure(
            section: Self.section, name: "bulk, enqueue(batch:) of \(Units.grouped(EnqueueBenchmark.bulkBatchSize))", value: bulk, unit: "tasks/s",
            display: "\(Units.rate(bulk)) tasks/s",
            note: "one transaction per \(Units.grouped(EnqueueBenchmark.bulkBatchSize)) tasks: an INSERT … unnest per \(PostgresTaskStore.batchChunkSize) rows and one NOTIFY, as part 2's bulk figure"))
    }

    /// Part 2's bulk figure on PostgreSQL: batches of the same size, on a schema of its own.
    private func measureBulk(_ server: PostgresServer, count: Int) async throws -> Double {
        let schema = "bench_enqueue_bulk"
        let store = try await server.openStore(schema: schema)
        do {
            let rate = try await EnqueueBenchmark.bulkRate(into: store, count: count)
            await server.remove(store, schema: schema)
            return rate
        } catch {
            await server.remove(store, schema: schema)
            throw error
        }
    }

    /// Figure 3: the supervisor's drain, the median of the repetitions for each worker count.
    private func measureDrains(_ server: PostgresServer, worker: String, report: BenchmarkReport, sqlite: SQLiteComparison) async throws {
        let count = options.counts.postgresDrainTasks
        let repetitions = options.counts.drainRepetitions
        Console.line("  drain \(Units.grouped(count)) no-op tasks through the supervisor (median of \(repetitions) runs per row)")
        for workers in options.counts.postgresDrainWorkers {
            var runs: [DrainRun] = []
            for repetition in 0..<repetitions {
                let database = try await PostgresScratchStore.create(server: server, schema: "bench_drain_\(workers)_\(repetition)", worker: worker)
                runs.append(try await DrainRun.measure(database, options: options, workers: workers, count: count))
            }
            let (median, display) = DrainRun.median(of: runs)
            let stats = median.statistics
            let comparison = sqlite.drainRates[workers].map {
                "SQLite in this run: \(Units.rate($0)) tasks/s (PostgreSQL \(Int((median.rate / $0 * 100).rounded()))% of it)"
            } ?? "SQLite's drain with \(workers) worker(s) did not run in this run"
            report.add(Figure(
                section: Self.section, name: "drain, \(workers) worker\(workers == 1 ? "" : "s")", value: median.rate, unit: "tasks/s",
                display: display,
                note: "\(comparison); \(Units.grouped(count)) tasks committed by one enqueue(batch:); mean claim batch \(String(format: "%.1f", stats.meanBatch)); split \(stats.perWorker.map(String.init).joined(separator: "/")); \(median.cpuPerTask(count: count)); first claim after \(Units.milliseconds(stats.firstClaim)); longest pause \(Units.milliseconds(stats.longestPause))"))
            DrainBenchmark.noteAnomalies(of: runs, workers: workers, store: "PostgreSQL", idlePoll: "5 s", report: report)
        }
    }

    /// Figure 4: enqueue-to-start latency with one idle worker, which LISTEN/NOTIFY wakes; and its memory.
    private func measureLatency(_ server: PostgresServer, worker: String, report: BenchmarkReport, sqlite: SQLiteComparison) async throws {
        let count = options.counts.latencyTasks
        Console.line("  latency of \(count) tasks with 1 idle worker")
        let database = try await PostgresScratchStore.create(server: server, schema: "bench_latency", worker: worker)
        try await SupervisorSession.with(options: options, database: database, workers: 1) { session in
            // As in part 5: start-up work (migrations, first heartbeats, the pool's connections) is over after a moment.
            try await Task.sleep(for: .seconds(2))
            guard let workerPID = try await session.workerPIDs().first, let idleWorker = ProcessSample.read(pid: workerPID) else {
                throw BenchmarkFailure("no worker registered, or its /proc is unreadable")
            }
            let idleSupervisor = ProcessSample.read(pid: session.process.pid)

            let latency = try await LatencyProbe.measure(session, count: count)
            let comparison = sqlite.latency.map {
                "SQLite in this run: p50 \(Units.milliseconds($0.p50)), p99 \(Units.milliseconds($0.p99))"
            } ?? "SQLite's latency (part 4) did not run in this run"
            report.add(Figure(
                section: Self.section, name: "latency enqueue → start, p50", value: latency.p50, unit: "ms", display: Units.milliseconds(latency.p50),
                note: "\(comparison); \(latency.count) tasks, \(LatencyProbe.method); the worker is woken by LISTEN/NOTIFY"))
            for (name, value) in [("p90", latency.p90), ("p99", latency.p99), ("max", latency.max)] {
                report.add(Figure(
                    section: Self.section, name: "latency enqueue → start, \(name)", value: value, unit: "ms", display: Units.milliseconds(value)))
            }
            report.add(Figure(
                section: Self.section, name: "worker RSS, idle", value: Double(idleWorker.residentBytes) / 1_000_000, unit: "MB",
                display: idleWorker.memorySummary,
                note: "offload-benchmark-postgres-worker, after 2 s idle; its supervisor: \(idleSupervisor?.memorySummary ?? "unreadable")"))
        }
    }
}
