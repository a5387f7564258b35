import Foundation
import Logging
import Offload
import OffloadWorker

extension Arbiter {
    /// How long the supervisor leaves a worker's status pipe alone after reading lines from it: a busy worker's
    /// `started` and `finished` lines are read in batches (``StatusPipeReader``), not one wake-up each.
    static let statusReadPause = Duration.milliseconds(10)

    /// The status lines a worker wrote since the last read, in order: every line counts as a heartbeat.
    func handle(_ events: [WorkerEvent], from serial: Int) {
        // Taken out and put back so the dictionary inside is mutated in place, not copied per line.
        guard var worker = workers.removeValue(forKey: serial) else { return }
        let now = ContinuousClock.now
        worker.lastHeartbeat = now
        var becameReady = false
        for event in events {
            switch event {
            case .ready:
                if worker.state == .starting {
                    worker.state = .ready
                    becameReady = true
                    queues[worker.queue]?.consecutiveStartupFailures = 0
                    logger.info("worker ready", metadata: metadata(worker).merging(["startup": "\((now - worker.spawnedAt).formatted)"]) { $1 })
                }
            case .heartbeat(let done):
                worker.tasksDone = done
            case .started(let id, let timeout):
                let deadline = timeout.map { now + $0 + configuration.timeoutGrace }
                worker.running[TaskResultID(id)] = ManagedWorker.RunningTask(startedAt: now, hardDeadline: deadline, limit: timeout)
            case .finished(let id):
                worker.running[TaskResultID(id)] = nil
                worker.tasksDone += 1
            case .draining:
                break
            case .cancelling(let id):
                // Someone cancelled the attempt: it must end within the grace period a time limit gets.
                guard var task = worker.running[TaskResultID(id)] else { continue }
                let deadline = now + configuration.timeoutGrace
                task.hardDeadline = min(task.hardDeadline ?? deadline, deadline)
                task.cancelling = true
                worker.running[TaskResultID(id)] = task
            }
        }
        workers[serial] = worker
        if becameReady { workerBecameReady(worker) }
    }
}
