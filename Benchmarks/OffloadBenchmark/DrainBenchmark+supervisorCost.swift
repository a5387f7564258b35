import Foundation

/// Issue 13, item 4: the same workers drain with and without the supervisor, one run after the other, so
/// that the ratio holds on a machine whose load changes between runs.
extension DrainBenchmark {
    /// The supervisor may cost at most this fraction of the standalone workers' rate.
    static let supervisorCostTarget = 0.05

    static func reportSupervisorCost(withSupervisor: [DrainRun], without: [DrainRun], workers: Int, count: Int, report: BenchmarkReport) {
        guard !without.isEmpty else { return }
        let (alone, display) = DrainRun.median(of: without)
        let stats = alone.statistics
        report.add(Figure(
            section: section, name: "\(workers) workers without the supervisor", value: alone.rate, unit: "tasks/s", display: display,
            note: "the same workers and flags, no status pipe; mean claim batch \(String(format: "%.1f", stats.meanBatch)); split \(stats.perWorker.map(String.init).joined(separator: "/")); \(alone.cpuPerTask(count: count))"))
        // Each supervised run against the standalone run right after it: the pairs share the machine's load.
        let ratios = zip(withSupervisor, without).map { $0.rate / $1.rate }.sorted()
        let median = ratios[ratios.count / 2]
        let slower = 1 - median
        let verdict = slower >= 0 ? "\(String(format: "%.1f", slower * 100)) % slower" : "no slower: \(String(format: "%.1f", -slower * 100)) % faster, within the noise"
        report.add(Figure(
            section: section, name: "\(workers) workers: supervised / standalone", value: median, unit: "ratio",
            display: "\(String(format: "%.3f", median)) (\(verdict); pairs \(ratios.map { String(format: "%.3f", $0) }.joined(separator: ", ")))",
            target: "≥ \(String(format: "%.2f", 1 - supervisorCostTarget))", met: median >= 1 - supervisorCostTarget,
            note: "median of the per-pair ratios, each supervised drain against the standalone drain that followed it"))
    }
}
