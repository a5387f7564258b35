import Foundation

extension Arbiter {
    func handle(_ request: ControlRequest) -> ControlResponse {
        switch request {
        case .status:
            return ControlResponse(ok: true, message: "ok", status: snapshot())
        case .scale(let counts):
            switch scale(counts) {
            case .success(let message): return ControlResponse(ok: true, message: message, status: snapshot())
            case .failure(let failure): return ControlResponse(ok: false, message: failure.message)
            }
        }
    }

    func snapshot() -> SupervisorStatus {
        let now = ContinuousClock.now
        let phaseName: String = switch phase {
        case .starting: "starting"
        case .running: swap == nil ? "running" : "replacing workers"
        case .stopping: "stopping"
        }
        return SupervisorStatus(
            pid: getpid(),
            phase: phaseName,
            queues: queues.keys.sorted().map { name in
                let pool = queues[name]!
                return SupervisorStatus.Queue(name: name, target: pool.target, running: activeWorkers(of: name).count, halted: pool.haltReason)
            },
            workers: workers.values.sorted { ($0.queue, $0.index, $0.serial) < ($1.queue, $1.index, $1.serial) }.map { worker in
                let state: String = switch worker.state {
                case .starting: "starting"
                case .ready: "ready"
                case .draining: "draining"
                }
                return SupervisorStatus.Worker(
                    id: worker.id, queue: worker.queue, pid: worker.process.pid, state: state,
                    currentTasks: worker.running.keys.map(\.rawValue).sorted(),
                    secondsSinceHeartbeat: (now - worker.lastHeartbeat).seconds,
                    tasksDone: worker.tasksDone, generation: worker.generation)
            },
            unservedQueues: unservedWatch.current,
            pausedQueues: unservedWatch.paused.map(\.queueName))
    }
}

import Offload
