import Foundation
import Logging
import Offload
import OffloadWorker

extension Arbiter {
    /// A worker ended: start recovering what it held, decide whether that was a crash, and let the
    /// next reconcile replace it (without waiting for the recovery).
    func handleExit(of serial: Int, status: ExitStatus, group: inout DiscardingTaskGroup) {
        guard let worker = workers.removeValue(forKey: serial) else { return }
        close(worker.lifeline)
        queues[worker.queue]?.usedIndexes.remove(worker.index)
        let lifetime = ContinuousClock.now - worker.spawnedAt
        let reason = describe(worker.stopReason, status: status)

        startRecovery(of: worker, reason: reason, group: &group)
        countExit(stopReason: worker.stopReason, succeeded: status.isSuccess)
        var metadata = metadata(worker)
        metadata["status"] = "\(status)"
        metadata["lifetime"] = "\(lifetime.formatted)"

        switch worker.stopReason {
        case .some(let stop) where !stop.isFault:
            logger.info("worker stopped: \(reason)", metadata: metadata)
        case .some:
            logger.error("worker killed: \(reason)", metadata: metadata)
            noteCrash(of: worker, lifetime: lifetime)
        case nil where status.isSuccess:
            // The worker reached --max-tasks (or was told to stop by someone else): a normal recycle.
            logger.info("worker exited normally; replacing it", metadata: metadata)
        case nil:
            if let tail = worker.stderrTail.text { metadata["stderr"] = "\(tail.split(separator: "\n").suffix(5).joined(separator: " | "))" }
            logger.error("worker died: \(status)", metadata: metadata)
            if worker.state == .starting, status == .exited(WorkerExitCode.databaseUnavailable) {
                noteDatabaseUnavailable(for: worker)
                swapWorkerFailed(worker, reason: "a new worker could not open the task database\(worker.stderrTail.text.map { ": " + $0.split(separator: "\n").suffix(3).joined(separator: " | ") } ?? "")")
            } else if worker.state == .starting {
                recordStartupFailure(queue: worker.queue, reason: "\(status)\(worker.stderrTail.text.map { ": " + $0.split(separator: "\n").suffix(3).joined(separator: " | ") } ?? "")", permanent: status.exitCode.map(WorkerExitCode.isPermanentStartupFailure) ?? false)
                swapWorkerFailed(worker, reason: "a new worker \(status) during start-up\(worker.stderrTail.text.map { ": " + $0.split(separator: "\n").suffix(3).joined(separator: " | ") } ?? "")")
            } else {
                noteCrash(of: worker, lifetime: lifetime)
            }
        }
    }

    /// A worker that could not open the task database (locked past its busy timeout, unreachable, a disk
    /// full, a missing directory) says nothing about the worker binary: the queue is not halted for it.
    /// Respawns back off as crashes do, up to `restart-backoff-max`, until the database answers again.
    private func noteDatabaseUnavailable(for worker: ManagedWorker) {
        guard var pool = queues[worker.queue] else { return }
        pool.consecutiveCrashes += 1
        let wait = restartBackoff(failures: pool.consecutiveCrashes, initial: configuration.restartBackoffInitial, maximum: configuration.restartBackoffMaximum)
        pool.nextSpawnAllowed = max(pool.nextSpawnAllowed, .now + wait)
        queues[worker.queue] = pool
        logger.error(
            "worker for queue \(worker.queue) could not open the task database (exit \(WorkerExitCode.databaseUnavailable)); not counted toward the start-up failure limit. Next attempt in \(wait.formatted)",
            metadata: ["queue": "\(worker.queue)", "failures_in_a_row": "\(pool.consecutiveCrashes)"])
    }

    /// Crashes close together back off exponentially; a worker that ran a while resets the count.
    private func noteCrash(of worker: ManagedWorker, lifetime: Duration) {
        guard var pool = queues[worker.queue] else { return }
        pool.consecutiveCrashes = lifetime > .seconds(30) ? 1 : pool.consecutiveCrashes + 1
        let wait = restartBackoff(failures: pool.consecutiveCrashes, initial: configuration.restartBackoffInitial, maximum: configuration.restartBackoffMaximum)
        pool.nextSpawnAllowed = max(pool.nextSpawnAllowed, .now + wait)
        queues[worker.queue] = pool
        logger.notice("replacing worker in \(wait.formatted)", metadata: ["queue": "\(worker.queue)", "crashes_in_a_row": "\(pool.consecutiveCrashes)"])
    }

    func describe(_ stop: ManagedWorker.StopReason?, status: ExitStatus) -> String {
        switch stop {
        case nil: return "\(status)"
        case .shutdown: return "stopped for shutdown (\(status))"
        case .scaledDown: return "stopped by scaling down (\(status))"
        case .replaced: return "replaced by a new generation (\(status))"
        case .recycledForMemory(let mebibytes): return "recycled at \(mebibytes) MiB resident memory (\(status))"
        case .hung(let silence): return "was hung (no heartbeat for \(silence.formatted)) and was \(status)"
        case .startTimeout: return "did not become ready within \(configuration.startTimeout.formatted) and was \(status)"
        case .timeLimit(let id, let limit): return "was killed because task \(id) exceeded its time limit of \(limit.formatted) (\(status))"
        case .cancellationIgnored(let id): return "was killed because task \(id) ignored its cancellation for \(configuration.timeoutGrace.formatted) (\(status))"
        }
    }
}
