import Foundation
import Logging

/// Replacing running workers without losing work: start the new generation, wait until every new
/// worker is ready, then drain the old one. One queue at a time, so capacity never drops to zero.
extension Arbiter {
    func beginSwap(reason: String, onReady: @escaping @Sendable (Result<Void, SwapFailure>) -> Void) {
        let all = queues.keys.sorted()
        if var swap {
            // A second request during a swap: redo every queue after the current one, with the newest settings.
            swap.queuesLeft = all.filter { $0 != swap.current }
            swap.onReady.append(onReady)
            self.swap = swap
            return
        }
        swap = GenerationSwap(reason: reason, queuesLeft: all, current: nil, startedAt: .now, onReady: [onReady])
        count(.workersReplaced)
        advanceSwap()
    }

    /// Moves on to the next queue, or finishes.
    func advanceSwap() {
        guard var swap else { return }
        while swap.current == nil, !swap.queuesLeft.isEmpty {
            let next = swap.queuesLeft.removeFirst()
            guard var pool = queues[next] else { continue }
            pool.generation += 1
            pool.haltReason = nil
            pool.consecutiveStartupFailures = 0
            pool.nextSpawnAllowed = .now
            queues[next] = pool
            if pool.target == 0 {
                drainOldGenerations(of: next)
                continue
            }
            swap.current = next
            swap.startedAt = .now
            logger.notice("\(swap.reason): starting \(pool.target) new worker(s) for queue \(next) (generation \(pool.generation))", metadata: ["queue": "\(next)"])
        }
        self.swap = swap
        if swap.current == nil { finishSwap(.success(())) }
    }

    /// Called for every worker that becomes ready: completes the current queue's swap once all new workers are.
    func workerBecameReady(_ worker: ManagedWorker) {
        if phase == .starting { maybeFinishStarting() }
        guard let swap, let queue = swap.current, worker.queue == queue, let pool = queues[queue] else { return }
        let ready = workers.values.filter { $0.queue == queue && $0.generation == pool.generation && $0.state == .ready }.count
        guard ready >= pool.target else { return }
        logger.notice("queue \(queue): \(ready) new worker(s) ready after \((ContinuousClock.now - swap.startedAt).formatted); draining the old ones", metadata: ["queue": "\(queue)"])
        drainOldGenerations(of: queue)
        self.swap?.current = nil
        advanceSwap()
    }

    private func drainOldGenerations(of queue: String) {
        guard let pool = queues[queue] else { return }
        for old in workers.values where old.queue == queue && old.generation < pool.generation && !old.isDraining {
            stop(old.serial, reason: .replaced, grace: configuration.gracefulTimeout + configuration.killGrace)
        }
    }

    /// A new worker died during start-up: keep the old workers, drop the new generation, say why.
    func swapWorkerFailed(_ worker: ManagedWorker, reason: String) {
        guard let swap, swap.current == worker.queue, var pool = queues[worker.queue], worker.generation == pool.generation else { return }
        abortSwap(queue: worker.queue, pool: &pool, reason: reason)
    }

    /// Gives up on a swap whose new workers take longer than the start timeout to become ready.
    func checkSwapTimeout() {
        guard let swap, let queue = swap.current, var pool = queues[queue] else { return }
        guard ContinuousClock.now - swap.startedAt > configuration.startTimeout else { return }
        abortSwap(queue: queue, pool: &pool, reason: "the new workers were not ready within \(configuration.startTimeout.formatted)")
    }

    private func abortSwap(queue: String, pool: inout QueuePool, reason: String) {
        let newGeneration = pool.generation
        for worker in workers.values where worker.queue == queue && worker.generation == newGeneration {
            workers[worker.serial]?.stopReason = .replaced
            workers[worker.serial]?.state = .draining(deadline: .now + configuration.killGrace)
            sendSignal(SIGKILL, to: worker)
        }
        let hasOldWorkers = workers.values.contains { $0.queue == queue && $0.generation < newGeneration && !$0.isDraining }
        if hasOldWorkers {
            pool.generation -= 1
        }
        pool.consecutiveStartupFailures = 0
        pool.haltReason = nil
        pool.nextSpawnAllowed = .now
        queues[queue] = pool
        logger.error("queue \(queue): kept the old workers, the new ones failed: \(reason)", metadata: ["queue": "\(queue)"])
        self.swap?.queuesLeft = []
        self.swap?.current = nil
        finishSwap(.failure(SwapFailure(message: "queue \(queue): \(reason)")))
    }

    func finishSwap(_ result: Result<Void, SwapFailure>) {
        guard let swap else { return }
        self.swap = nil
        if case .success = result {
            logger.notice("\(swap.reason): every queue runs new workers")
        }
        for callback in swap.onReady { callback(result) }
    }
}
