import Foundation
import Logging
import Offload

/// The supervisor's own events (spawns, crashes, kills, swaps) counted into the database, where the console's
/// `/metrics` and `offload metrics` read them (docs/metrics.md). Counting there rather than in this process means
/// the counters survive a restart of the supervisor, and every supervisor of every host adds to the same ones,
/// without the supervisor serving HTTP.
///
/// Counts gather in memory and leave every few seconds beside the loop, never blocking it; a write that fails
/// keeps them for the next try, and the last ones are written as the supervisor stops.
extension Arbiter {
    /// Names are `[a-z_]` only: they become the `event` label of `offload_supervisor_events_total`.
    enum CountedEvent: String {
        case workerSpawned = "worker_spawned"
        case workerExited = "worker_exited"
        case workerCrashed = "worker_crashed"
        case workerKilledHung = "worker_killed_hung"
        case workerKilledStartTimeout = "worker_killed_start_timeout"
        case workerKilledTimeLimit = "worker_killed_time_limit"
        case workerKilledCancelIgnored = "worker_killed_cancel_ignored"
        case workersReplaced = "workers_replaced"
    }

    static let eventCountFlushInterval = Duration.seconds(5)

    /// Stored as `supervisor:EVENT`, the counters table's rows for events of no queue or task.
    func count(_ event: CountedEvent) {
        unsentEventCounts["supervisor:" + event.rawValue, default: 0] += 1
    }

    /// The event a worker's end counts as, beside `worker_exited`.
    func countExit(stopReason: ManagedWorker.StopReason?, succeeded: Bool) {
        count(.workerExited)
        switch stopReason {
        case .hung?: count(.workerKilledHung)
        case .startTimeout?: count(.workerKilledStartTimeout)
        case .timeLimit?: count(.workerKilledTimeLimit)
        case .cancellationIgnored?: count(.workerKilledCancelIgnored)
        case nil where !succeeded: count(.workerCrashed)
        default: break
        }
    }

    func startEventCountFlushWhenDue(group: inout DiscardingTaskGroup) {
        guard !eventCountFlushRunning, !unsentEventCounts.isEmpty, ContinuousClock.now - lastEventCountFlush >= Self.eventCountFlushInterval else { return }
        eventCountFlushRunning = true
        lastEventCountFlush = .now
        let counts = unsentEventCounts
        unsentEventCounts = [:]
        let (store, logger, events) = (store, logger, events)
        group.addTask {
            do {
                try await store.addEventCounts(counts)
                events.yield(.storeWorkFinished(.eventCounts(unsent: [:])))
            } catch {
                logger.debug("could not count the supervisor's events in the database yet: \(error)")
                events.yield(.storeWorkFinished(.eventCounts(unsent: counts)))
            }
        }
    }

    func handleEventCountFlush(unsent: [String: Int]) {
        eventCountFlushRunning = false
        unsentEventCounts.merge(unsent) { $0.addingReportingOverflow($1).overflow ? .max : $0 + $1 }
    }

    /// The last counts, written as the supervisor stops (no loop is left to wait for).
    func flushEventCountsAtExit() async {
        guard !unsentEventCounts.isEmpty else { return }
        do {
            try await store.addEventCounts(unsentEventCounts)
            unsentEventCounts = [:]
        } catch {
            logger.warning("the supervisor's last event counts were not written to the database: \(error)")
        }
    }
}
