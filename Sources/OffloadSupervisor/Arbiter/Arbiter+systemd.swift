import Foundation
import Logging
import Offload

extension Arbiter {
    func notify(_ states: [SystemdState]) {
        do {
            _ = try notifier.notify(states)
        } catch {
            logger.warning("cannot notify systemd: \(error)")
        }
    }

    /// READY=1 once every queue has its initial workers ready (or has been halted trying).
    func maybeFinishStarting() {
        guard phase == .starting else { return }
        for (name, pool) in queues where pool.haltReason == nil {
            let ready = workers.values.filter { $0.queue == name && $0.state == .ready }.count
            if ready < pool.target { return }
        }
        phase = .running
        logger.notice("supervisor ready: \(queues.values.map { "\($0.name)=\($0.target)" }.sorted().joined(separator: ", "))")
        notify([.ready, .status(statusLine(pending: nil))])
    }

    /// WATCHDOG=1 from the loop itself: if the loop stops turning, the pings stop and systemd acts.
    func pingWatchdog() {
        let now = ContinuousClock.now
        guard var watchdog, watchdog.isDue(at: now) else { return }
        notify([.watchdog])
        watchdog.recordPing(at: now)
        self.watchdog = watchdog
    }

    func statusLine(pending: [QueueCounts]?) -> String {
        queues.keys.sorted().map { name in
            let pool = queues[name]!
            var text = "\(name): \(activeWorkers(of: name).count)/\(pool.target) workers"
            if let count = pending?.first(where: { $0.queueName == name })?.pending { text += ", \(count) pending" }
            if pool.haltReason != nil { text += " (halted)" }
            return text
        }.joined(separator: "; ")
    }
}
