import Foundation
import Logging

extension Arbiter {
    /// Brings every queue to its target: drains the extra workers, newest first, and spawns missing
    /// ones (when backoff allows), within ``SpawnLimits``: a few per turn, one queue after another.
    func reconcile(group: inout DiscardingTaskGroup) async {
        guard !isStopping else { return }
        var missing: [String: Int] = [:]
        for name in queues.keys.sorted() {
            guard let pool = queues[name] else { continue }
            let active = activeWorkers(of: name)
            if active.count > pool.target {
                for worker in active.sorted(by: { $0.serial > $1.serial }).prefix(active.count - pool.target) {
                    logger.info("scaling down: draining worker", metadata: metadata(worker))
                    stop(worker.serial, reason: .scaledDown, grace: configuration.gracefulTimeout + configuration.killGrace)
                }
            }
            if pool.target > active.count { missing[name] = pool.target - active.count }
        }
        guard !missing.isEmpty else { return }
        var budget = spawnBudget()
        // Round-robin, so that one queue's large target does not starve the others.
        while budget > 0 {
            let due = missing.keys.sorted().filter { name in
                guard let pool = queues[name] else { return false }
                return pool.haltReason == nil && ContinuousClock.now >= pool.nextSpawnAllowed
            }
            if due.isEmpty { return }
            for name in due where budget > 0 {
                await spawnWorker(queue: name, group: &group)
                budget -= 1
                missing[name]? -= 1
                if missing[name] == 0 { missing[name] = nil }
            }
        }
    }

    /// How many workers this turn may start: bounded per turn, by the workers still starting, and by
    /// the ceiling. The ceiling counts the workers that count toward targets: during a replacement the
    /// old generation drains beside the new one, and must not block it.
    private func spawnBudget() -> Int {
        let starting = workers.values.count { $0.state == .starting }
        let counted = queues.keys.reduce(0) { $0 + activeWorkers(of: $1).count }
        let belowCeiling = SpawnLimits.maximumWorkers - counted
        if belowCeiling <= 0 {
            if !ceilingReported {
                ceilingReported = true
                logger.error("not starting more workers: \(counted) are running, the ceiling is \(SpawnLimits.maximumWorkers) per supervisor")
            }
            return 0
        }
        ceilingReported = false
        return max(0, min(SpawnLimits.spawnsPerTurn, SpawnLimits.maximumStarting - starting, belowCeiling))
    }

    /// New targets for some queues; a halted queue gets another chance.
    func scale(_ counts: [String: Int]) -> Result<String, SwapFailure> {
        for (queue, count) in counts where queues[queue] == nil {
            return .failure(SwapFailure(message: "unknown queue \"\(queue)\" (this supervisor runs: \(queues.keys.sorted().joined(separator: ", "))); count \(count) not applied"))
        }
        for (queue, count) in counts {
            guard count >= 0 else { return .failure(SwapFailure(message: "a worker count must not be negative (\(queue)=\(count))")) }
        }
        let targets = queues.mapValues(\.target).merging(counts) { $1 }
        if let refusal = SpawnLimits.refusal(of: targets) {
            logger.warning("refused to scale: \(refusal)")
            return .failure(SwapFailure(message: "refused: \(refusal); nothing changed"))
        }
        for (queue, count) in counts {
            queues[queue]?.target = count
            queues[queue]?.haltReason = nil
            queues[queue]?.consecutiveStartupFailures = 0
            queues[queue]?.nextSpawnAllowed = .now
            configuration.workerCounts[queue] = count
            logger.notice("scaling queue \(queue) to \(count) worker(s)", metadata: ["queue": "\(queue)"])
        }
        return .success("scaled " + counts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", "))
    }
}
