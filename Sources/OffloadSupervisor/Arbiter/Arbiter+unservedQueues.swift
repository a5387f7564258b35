import Foundation
import Logging
import Offload

/// Tasks that sit PENDING on a queue no worker serves (a typo in a task's queue name, a queue left out of the
/// configuration) would wait forever without a word: look for them at start and every 10 s, and say so.
extension Arbiter {
    func startUnservedQueueCheckWhenDue(group: inout DiscardingTaskGroup) {
        guard !unservedWatch.running, !isStopping, ContinuousClock.now >= unservedWatch.nextCheck else { return }
        unservedWatch.running = true
        unservedWatch.nextCheck = .now + UnservedQueueWatch.interval
        // This supervisor's pools serve their queues even while their workers start and are not registered yet.
        let ownQueues = Set(queues.filter { $0.value.target > 0 && $0.value.haltReason == nil }.keys)
        let (store, events) = (store, events)
        group.addTask {
            let found: [UnservedQueue]?
            do {
                let counts = try await store.counts()
                let workers = try await store.workers()
                // A paused queue waits on purpose: `ctl status` and `offload counts` say "paused", not "unserved".
                let paused = try await store.pausedQueues()
                events.yield(.storeWorkFinished(.pausedQueues(paused)))
                found = UnservedQueue.find(counts: counts, workers: workers, now: Date(), alsoServed: ownQueues.union(paused.map(\.queueName)))
            } catch {
                found = nil
            }
            events.yield(.storeWorkFinished(.unservedQueues(found)))
        }
    }

    /// Logs each unserved queue once, again when its count of waiting tasks changes, and when it is served again.
    func handleUnservedQueues(_ found: [UnservedQueue]?) {
        unservedWatch.running = false
        // The store did not answer: the registry sweep already reports that; keep the last answer.
        guard let found else { return }
        unservedWatch.current = found
        for queue in found where unservedWatch.reported[queue.queueName] != queue.waiting {
            unservedWatch.reported[queue.queueName] = queue.waiting
            logger.warning("\(queue.message); start a worker for it (--queues, or declare it in a task's options) or fix the queue name the tasks are enqueued with")
        }
        let stillUnserved = Set(found.map(\.queueName))
        for queue in unservedWatch.reported.keys.sorted() where !stillUnserved.contains(queue) {
            unservedWatch.reported[queue] = nil
            logger.notice("queue \(TerminalSafe.escape(queue)) no longer has tasks waiting without a worker")
        }
    }

    /// Logs each queue that became paused or was resumed since the last look.
    func handlePausedQueues(_ paused: [PausedQueue]) {
        let before = Set(unservedWatch.paused.map(\.queueName))
        for queue in paused where !before.contains(queue.queueName) {
            logger.notice("queue \(TerminalSafe.escape(queue.queueName)) is paused (by \(TerminalSafe.escape(queue.pausedBy)) at \(queue.pausedAt)): no worker claims its tasks until `offload resume`")
        }
        let now = Set(paused.map(\.queueName))
        for queue in before.sorted() where !now.contains(queue) {
            logger.notice("queue \(TerminalSafe.escape(queue)) was resumed")
        }
        unservedWatch.paused = paused
    }
}
