import Foundation
import Offload

/// Parts 4 and 5 on one supervisor with one idle worker (the default of one worker per queue):
/// first what idling costs, then how long a task waits between its enqueue and its start.
///
/// An idle worker sleeps in the kernel until inotify reports a change of the WAL file, so idling should
/// cost no CPU and a task enqueued by another process should start within about a millisecond: the
/// time for the commit to reach inotify, the worker to wake, read whether a task is ready and claim it.
struct IdleWorkerBenchmark {
    static let idleSection = "5 Idle cost"
    static let latencySection = "4 Latency (enqueue → start)"
    /// Issue 13's memory goal: the supervisor and one worker together under the resident memory of RQ's one
    /// idle worker, measured on this machine (37.5 MB; 10^6 bytes).
    static let pairMemoryTarget = 37_000_000
    /// "Near zero": at most a thousandth of a core.
    static let idleCPUTarget = 0.001

    let options: BenchmarkOptions

    /// Returns the latencies, which part 8 compares with PostgreSQL's.
    func run(report: BenchmarkReport, afterDrain: ProcessFootprint?) async throws -> Percentiles {
        let database = try SQLiteScratchStore(directory: options.directory, name: "idle", worker: options.worker)
        Console.line("\n[4] Latency and [5] idle cost, with 1 worker (idle measured first)")
        let latency = try await SupervisorSession.with(options: Self.readingTrims(options), database: database, workers: 1) { session in
            // Idle first, while nothing has disturbed the worker; the table lists part 4 before part 5.
            let idleFigures = try await measureIdle(session, afterDrain: afterDrain)
            let latency = try await measureLatency(session, report: report)
            idleFigures.forEach(report.add)
            return latency
        }
        if let deployment = options.deployment {
            try await measureDeploymentBuild(deployment).forEach(report.add)
        }
        return latency
    }

    /// The supervisor's `info` lines include its start-up memory trim; the workers' reach its output anyway.
    private static func readingTrims(_ options: BenchmarkOptions) -> BenchmarkOptions {
        var options = options
        options.supervisorLogLevel = "info"
        return options
    }

    /// Memory just after start-up, then once both processes have handed their start-up code back to the kernel
    /// (``StartUpMemoryTrim``, after 10 s without a task), the idle state a server spends its nights in.
    private func waitForTrims(_ session: SupervisorSession<SQLiteScratchStore>, label: String) async throws -> (workerPID: pid_t, worker: ProcessSample, supervisor: ProcessSample) {
        // Start-up work (migrations, first heartbeat) is over after a moment.
        try await Task.sleep(for: .seconds(2))
        guard let workerPID = try await session.workerPIDs().first else { throw BenchmarkFailure("no worker of \(label) registered") }
        guard let worker = ProcessSample.read(pid: workerPID), let supervisor = ProcessSample.read(pid: session.process.pid) else {
            throw BenchmarkFailure("cannot read /proc for the worker or the supervisor of \(label)")
        }
        for line in try await session.waitForStartUpMemoryTrims(count: 2) {
            Console.line("  " + line)
        }
        return (workerPID, worker, supervisor)
    }

    private func startUpFigures(prefix: String, worker: ProcessSample, supervisor: ProcessSample) -> [Figure] {
        [
            memoryFigure(name: "\(prefix)worker RSS, 2 s after start-up (before the trim)", sample: worker),
            memoryFigure(name: "\(prefix)supervisor RSS, 2 s after start-up (before the trim)", sample: supervisor),
            pairFigure(name: "\(prefix)supervisor + 1 worker, 2 s after start-up (before the trim)", supervisor: supervisor, worker: worker, withTarget: false),
        ]
    }

    private func measureIdle(_ session: SupervisorSession<SQLiteScratchStore>, afterDrain: ProcessFootprint?) async throws -> [Figure] {
        let (workerPID, workerAtStart, supervisorAtStart) = try await waitForTrims(session, label: "the benchmark's pair")
        let supervisorPID = session.process.pid
        let seconds = options.counts.idleSeconds
        guard let workerBefore = ProcessSample.read(pid: workerPID), let supervisorBefore = ProcessSample.read(pid: supervisorPID) else {
            throw BenchmarkFailure("cannot read /proc for the worker or the supervisor")
        }
        let clock = ContinuousClock()
        let start = clock.now
        try await Task.sleep(for: .seconds(seconds))
        let elapsed = (clock.now - start).inSeconds
        guard let workerAfter = ProcessSample.read(pid: workerPID), let supervisorAfter = ProcessSample.read(pid: supervisorPID) else {
            throw BenchmarkFailure("the worker or the supervisor went away while idle")
        }
        let workerCPU = (workerAfter.threadCPUSeconds - workerBefore.threadCPUSeconds) / elapsed
        let supervisorCPU = (supervisorAfter.threadCPUSeconds - supervisorBefore.threadCPUSeconds) / elapsed
        let workerWakeUps = Double(workerAfter.wakeUps - workerBefore.wakeUps) / elapsed
        let supervisorWakeUps = Double(supervisorAfter.wakeUps - supervisorBefore.wakeUps) / elapsed
        var figures: [Figure] = []
        figures.append(Figure(
            section: Self.idleSection, name: "idle worker CPU over \(seconds) s", value: workerCPU * 100, unit: "% of a core",
            display: String(format: "%.3f%% of a core (%.1f ms)", workerCPU * 100, workerCPU * elapsed * 1000),
            target: "≈ 0 (≤ 0.1%)", met: workerCPU <= Self.idleCPUTarget,
            note: String(format: "%.1f wake-ups/s (heartbeat every 1 s, registry every 5 s); from schedstat", workerWakeUps)))
        figures.append(Figure(
            section: Self.idleSection, name: "idle supervisor CPU over \(seconds) s", value: supervisorCPU * 100, unit: "% of a core",
            display: String(format: "%.3f%% of a core (%.1f ms)", supervisorCPU * 100, supervisorCPU * elapsed * 1000),
            note: String(format: "%.1f wake-ups/s", supervisorWakeUps)))
        figures += startUpFigures(prefix: "", worker: workerAtStart, supervisor: supervisorAtStart)
        figures.append(memoryFigure(name: "worker RSS, idle", sample: workerAfter))
        figures.append(memoryFigure(name: "supervisor RSS, idle with 1 worker", sample: supervisorAfter))
        figures.append(pairFigure(name: "supervisor + 1 worker, idle", supervisor: supervisorAfter, worker: workerAfter))
        if let afterDrain {
            if let worker = afterDrain.worker { figures.append(memoryFigure(name: "worker RSS after the drain", sample: worker)) }
            if let supervisor = afterDrain.supervisor { figures.append(memoryFigure(name: "supervisor RSS after the drain (2 workers)", sample: supervisor)) }
        }
        return figures
    }

    /// The pair as docs/deployment.md builds it (`scripts/build-release`: statically linked, SQLite only), idle.
    /// The benchmark's own pair links the Swift runtime dynamically and PostgreSQL for part 8.
    private func measureDeploymentBuild(_ build: BenchmarkOptions.DeploymentBuild) async throws -> [Figure] {
        Console.line("\n[5] Idle memory of the deployment build (scripts/build-release)")
        var deploymentOptions = Self.readingTrims(options)
        deploymentOptions.supervisor = build.supervisor
        deploymentOptions.worker = build.worker
        let database = try SQLiteScratchStore(directory: options.directory, name: "idle-deployment", worker: build.worker)
        return try await SupervisorSession.with(options: deploymentOptions, database: database, workers: 1) { session in
            let (workerPID, workerAtStart, supervisorAtStart) = try await waitForTrims(session, label: "the deployment build")
            // The same idle time after the trims as the first pair's CPU measurement.
            try await Task.sleep(for: .seconds(options.counts.idleSeconds))
            guard let worker = ProcessSample.read(pid: workerPID), let supervisor = ProcessSample.read(pid: session.process.pid) else {
                throw BenchmarkFailure("cannot read /proc for the deployment build's worker or supervisor")
            }
            return startUpFigures(prefix: "deployment build: ", worker: workerAtStart, supervisor: supervisorAtStart) + [
                memoryFigure(name: "deployment build: worker RSS, idle", sample: worker),
                memoryFigure(name: "deployment build: supervisor RSS, idle with 1 worker", sample: supervisor),
                pairFigure(name: "deployment build: supervisor + 1 worker, idle", supervisor: supervisor, worker: worker),
            ]
        }
    }

    /// RSS as `ps` and `top` show it; PSS and private memory say how much of it is pages shared with other
    /// processes (the Swift runtime's libraries, when linked dynamically).
    private func memoryFigure(name: String, sample: ProcessSample) -> Figure {
        Figure(
            section: Self.idleSection, name: name, value: Double(sample.residentBytes) / 1_000_000, unit: "MB",
            display: sample.memorySummary)
    }

    /// The goal is on the pair, against RQ's one worker (which has no supervisor process).
    private func pairFigure(name: String, supervisor: ProcessSample, worker: ProcessSample, withTarget: Bool = true) -> Figure {
        let resident = supervisor.residentBytes &+ worker.residentBytes
        let proportional = supervisor.proportionalBytes &+ worker.proportionalBytes
        let exclusive = supervisor.privateBytes &+ worker.privateBytes
        return Figure(
            section: Self.idleSection, name: name, value: Double(resident) / 1_000_000, unit: "MB",
            display: "\(Units.megabytes(resident)) (PSS \(Units.megabytes(proportional)), private \(Units.megabytes(exclusive)))",
            target: withTarget ? "RSS < 37 MB (RQ: 37.5)" : nil, met: withTarget ? resident < Self.pairMemoryTarget : nil)
    }

    private func measureLatency(_ session: SupervisorSession<SQLiteScratchStore>, report: BenchmarkReport) async throws -> Percentiles {
        let latency = try await LatencyProbe.measure(session, count: options.counts.latencyTasks)
        report.add(Figure(
            section: Self.latencySection, name: "p50", value: latency.p50, unit: "ms",
            display: Units.milliseconds(latency.p50), target: "≤ 1 ms", met: latency.p50 <= 1,
            note: "\(latency.count) tasks, \(LatencyProbe.method)"))
        report.add(Figure(
            section: Self.latencySection, name: "p90", value: latency.p90, unit: "ms", display: Units.milliseconds(latency.p90)))
        report.add(Figure(
            section: Self.latencySection, name: "p99", value: latency.p99, unit: "ms",
            display: Units.milliseconds(latency.p99), target: "≤ 5 ms", met: latency.p99 <= 5))
        report.add(Figure(
            section: Self.latencySection, name: "max", value: latency.max, unit: "ms", display: Units.milliseconds(latency.max)))
        return latency
    }
}
