import Foundation
import Offload
import Logging

/// Keeping the served queues in step with what the worker's tasks declare, when a new worker generation
/// (a rebuild in development) or a re-read configuration (SIGHUP) may have changed them.
extension Arbiter {
    /// A new configuration's queues completed with the queues the running worker declared.
    ///
    /// - Throws: ``ConfigurationError`` when its per-queue counts name a queue nobody knows.
    func withDeclaredQueues(_ new: SupervisorConfiguration) throws -> SupervisorConfiguration {
        guard let plan = new.queuePlan else { return new }
        var resolved = new
        let served = plan.resolve(declared: declaredQueues)
        try plan.checkWorkerCounts(new.workerCounts, served: served.map(\.queue), declared: declaredQueues)
        resolved.queues = served.map(\.queue)
        return resolved
    }

    /// What a new worker generation declares: start pools for queues it adds, and stop serving queues that
    /// neither it nor the configuration names any more. A build that cannot describe itself (`nil`, logged)
    /// changes nothing: its swap fails on its own if it cannot run.
    func applyDeclaredQueues(_ declared: [String]?) {
        guard let plan = configuration.queuePlan, plan.servesDeclaredQueues, let declared, declared != declaredQueues else { return }
        declaredQueues = declared
        let served = plan.resolve(declared: declared)
        let newQueues = served.map(\.queue)
        for (queue, origin) in served where !configuration.queues.contains(queue) {
            logger.notice("serving queue \(queue): \(origin)")
            if queues[queue] == nil {
                queues[queue] = QueuePool(name: queue, target: configuration.workerCount(for: queue))
            } else {
                queues[queue]?.target = configuration.workerCount(for: queue)
            }
        }
        for queue in configuration.queues where !newQueues.contains(queue) {
            logger.notice("no longer serving queue \(queue): no task of the new worker declares it and no setting names it")
            queues[queue]?.target = 0
        }
        configuration.queues = newQueues
    }
}

extension Arbiter {
    /// A rebuilt worker may declare other schedules in code: they replace the old ones, beside the
    /// configuration file's. A plan that cannot be resolved keeps the running schedules, and says why.
    func applyDeclaredSchedules(_ description: TaskDescription?) {
        guard let description, description != taskDescription else { return }
        taskDescription = description
        do {
            replaceSchedules(with: try SchedulePlan.resolve(configured: configuration.configuredSchedules, description: description), reason: "the new worker build")
        } catch {
            logger.error("the new worker build's schedules cannot be used, keeping the running ones: \(error)")
        }
    }

    func replaceSchedules(with plan: [ScheduledTask], reason: String) {
        guard let schedules else { return }
        let changes = schedules.replace(with: plan)
        if !changes.isEmpty {
            logger.notice("\(reason): schedules \(changes.joined(separator: ", "))")
        }
    }
}
