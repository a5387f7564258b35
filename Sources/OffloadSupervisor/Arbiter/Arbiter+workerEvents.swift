import Foundation
import Logging
import Offload
import OffloadWorker

extension Arbiter {
    /// A status line from a worker: every line counts as a heartbeat.
    func handle(_ event: WorkerEvent, from serial: Int) {
        // Taken out and put back so the sets inside are mutated in place, not copied per line.
        guard var worker = workers.removeValue(forKey: serial) else { return }
        let now = ContinuousClock.now
        worker.lastHeartbeat = now
        switch event {
        case .ready:
            if worker.state == .starting {
                worker.state = .ready
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
        }
        workers[serial] = worker
        if case .ready = event { workerBecameReady(worker) }
    }
}
