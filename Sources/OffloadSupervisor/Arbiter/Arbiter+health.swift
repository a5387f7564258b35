import Foundation
import Logging
import Offload

extension Arbiter {
    /// The periodic checks: hung workers, start-up and drain deadlines, task time limits, memory.
    func checkHealth() {
        let now = ContinuousClock.now
        for serial in workers.keys.sorted() {
            guard let worker = workers[serial] else { continue }
            switch worker.state {
            case .draining(let deadline):
                if now >= deadline {
                    logger.warning("worker did not stop in time; sending SIGKILL", metadata: metadata(worker))
                    sendSignal(SIGKILL, to: worker)
                    workers[serial]?.state = .draining(deadline: now + .seconds(3600))
                }
            case .starting:
                if now - worker.spawnedAt > configuration.startTimeout {
                    logger.error("worker did not become ready within \(configuration.startTimeout.formatted); killing it", metadata: metadata(worker))
                    stop(serial, reason: .startTimeout, grace: configuration.killGrace)
                }
            case .ready:
                let silence = now - worker.lastHeartbeat
                if silence > configuration.heartbeatTimeout {
                    let held = worker.running.keys.sorted().map { "#\($0)" }.joined(separator: ", ")
                    logger.error(
                        "worker is hung: no heartbeat for \(silence.formatted) (timeout \(configuration.heartbeatTimeout.formatted)); holding \(held.isEmpty ? "no task" : "task " + held). Sending SIGTERM, then SIGKILL after \(configuration.killGrace.formatted)",
                        metadata: metadata(worker))
                    stop(serial, reason: .hung(silence: silence), grace: configuration.killGrace)
                } else if let (id, task) = worker.running.first(where: { $0.value.hardDeadline.map { now >= $0 } ?? false }), task.cancelling {
                    logger.error(
                        "task #\(id) was cancelled and ignored it for \(configuration.timeoutGrace.formatted); killing its worker",
                        metadata: metadata(worker))
                    workers[serial]?.stopReason = .cancellationIgnored(id)
                    sendSignal(SIGKILL, to: worker)
                    workers[serial]?.state = .draining(deadline: now + .seconds(3600))
                } else if let (id, task) = worker.running.first(where: { $0.value.hardDeadline.map { now >= $0 } ?? false }) {
                    logger.error(
                        "task #\(id) exceeded its time limit of \((task.limit ?? .zero).formatted) and ignored cancellation for \(configuration.timeoutGrace.formatted); killing its worker",
                        metadata: metadata(worker))
                    workers[serial]?.stopReason = .timeLimit(id, limit: task.limit ?? .zero)
                    sendSignal(SIGKILL, to: worker)
                    workers[serial]?.state = .draining(deadline: now + .seconds(3600))
                }
            }
        }
    }

    /// Drains (or, for a fault, kills after `grace`) one worker.
    func stop(_ serial: Int, reason: ManagedWorker.StopReason, grace: Duration) {
        guard let worker = workers[serial], !worker.isDraining else { return }
        workers[serial]?.stopReason = reason
        workers[serial]?.state = .draining(deadline: .now + grace)
        sendSignal(SIGTERM, to: worker)
    }

    /// Recycles workers over the memory ceiling: drained, and replaced by the next reconcile.
    func checkMemory() {
        guard let ceiling = configuration.maxWorkerMemoryMiB else { return }
        for (serial, worker) in workers where worker.state == .ready {
            guard let resident = ProcessMemory.residentMebibytes(of: worker.process.pid), resident > ceiling else { continue }
            logger.warning("worker uses \(resident) MiB, over the ceiling of \(ceiling) MiB; draining and replacing it", metadata: metadata(worker))
            stop(serial, reason: .recycledForMemory(mebibytes: resident), grace: configuration.gracefulTimeout + configuration.killGrace)
        }
    }
}
