/// How many workers one supervisor runs, and how fast it starts them.
///
/// `--workers 100000` or `supervisor ctl scale default=40000` once made the supervisor spawn without
/// limit, and a burst of spawns kept its loop from answering `supervisor ctl status` for seconds
/// (3.2 s with 1,500 workers on 2 cores). Now a total over ``maximumWorkers`` is refused where it is
/// asked for, and the loop starts at most ``spawnsPerTurn`` workers per turn, with at most
/// ``maximumStarting`` started but not yet ready: a burst spreads over many turns, each short.
public enum SpawnLimits {
    /// The most workers one supervisor runs, over all its queues. Each costs the supervisor five
    /// descriptors and its host a process; more capacity than this wants more hosts.
    public static let maximumWorkers = 1_000
    /// Workers started but not yet ready, at most, at once: starting Swift processes is CPU-bound,
    /// and a worker that is ready sooner serves sooner than many that all start slowly.
    public static let maximumStarting = 8
    /// Spawns in one turn of the loop, at most, so that events keep being handled during a burst.
    public static let spawnsPerTurn = 4

    /// Why `targets` (worker count per queue) cannot be run, or `nil` when they can.
    public static func refusal(of targets: [String: Int]) -> String? {
        // Each count is checked first, so the sum cannot overflow.
        let total = targets.values.reduce(0) { total, count in
            count > maximumWorkers || total > maximumWorkers ? maximumWorkers + 1 : total + count
        }
        guard total > maximumWorkers else { return nil }
        let asked = targets.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
        return "\(asked): more than the \(maximumWorkers) workers one supervisor runs (all queues together); run more supervisors, on more hosts, for more"
    }

    /// Fails before anything starts when the configured worker counts add up to more than ``maximumWorkers``.
    ///
    /// - Throws: ``SupervisorError`` naming the counts and the ceiling.
    public static func checkWorkerCounts(of configuration: SupervisorConfiguration) throws(SupervisorError) {
        let targets = Dictionary(configuration.queues.map { ($0, configuration.workerCount(for: $0)) }) { first, _ in first }
        if let refusal = refusal(of: targets) {
            throw SupervisorError("Worker counts \(refusal). Lower `--workers` / `workers =`.")
        }
    }
}
