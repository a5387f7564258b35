import Foundation
import Logging

extension Arbiter {
    /// Brings every queue to its target: spawns the missing workers (when backoff allows) and
    /// drains the extra ones, newest first.
    func reconcile(group: inout DiscardingTaskGroup) async {
        guard !isStopping else { return }
        let now = ContinuousClock.now
        for name in queues.keys.sorted() {
            guard let pool = queues[name] else { continue }
            let active = activeWorkers(of: name)
            if active.count > pool.target {
                for worker in active.sorted(by: { $0.serial > $1.serial }).prefix(active.count - pool.target) {
                    logger.info("scaling down: draining worker", metadata: metadata(worker))
                    stop(worker.serial, reason: .scaledDown, grace: configuration.gracefulTimeout + configuration.killGrace)
                }
            }
            guard pool.haltReason == nil, now >= pool.nextSpawnAllowed else { continue }
            for _ in active.count..<max(active.count, pool.target) {
                await spawnWorker(queue: name, group: &group)
                if queues[name]?.haltReason != nil || (queues[name]?.nextSpawnAllowed ?? now) > .now { break }
            }
        }
    }

    /// New targets for some queues; a halted queue gets another chance.
    func scale(_ counts: [String: Int]) -> Result<String, SwapFailure> {
        for (queue, count) in counts where queues[queue] == nil {
            return .failure(SwapFailure(message: "unknown queue \"\(queue)\" (this supervisor runs: \(queues.keys.sorted().joined(separator: ", "))); count \(count) not applied"))
        }
        for (queue, count) in counts {
            guard count >= 0 else { return .failure(SwapFailure(message: "a worker count must not be negative (\(queue)=\(count))")) }
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
