import Foundation
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
