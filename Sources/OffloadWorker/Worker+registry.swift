import Foundation
import Offload

/// The registry heartbeat: every `registryHeartbeatInterval` the worker records itself as alive in the registry
/// of workers, which other hosts' supervisors read to tell a silent worker from a busy one.
///
/// A commit is a change to the database file, so the worker's own watch hears its heartbeat like anyone's
/// commit. Heard by a listening worker, that costs a look and its follow-ups (1 to 256 ms later, for writers
/// that do not announce their commits): two thirds of an idle worker's CPU. So an idle worker records the
/// heartbeat from its listener, between two looks, with its watch taken off for the write; the look that follows
/// finds whatever another process committed meanwhile. When the worker is too busy to listen, the control
/// loop records it instead, on the ``ControlThread``, so tasks that hold every thread of the pool do not age it.
extension Worker {
    /// The configured interval, kept from zero so that neither loop can spin.
    private var registryInterval: Duration { max(configuration.registryHeartbeatInterval, .milliseconds(100)) }
    /// How long after the heartbeat is due the control loop records it, if the listener has not: the listener's
    /// waits end when it is due (``registryBeatDueForListener``), so an idle worker's listener comes first.
    private var controlLoopGrace: Duration { registryInterval / 10 }

    /// How long the listener may wait before the heartbeat is due.
    var registryBeatDueForListener: Duration {
        lastRegistryBeat.withLock { $0 } + registryInterval - .now
    }

    /// Records the heartbeat whenever the listener has not for an interval and a little more.
    func registryHeartbeatLoop() async {
        let interval = registryInterval
        while !Task.isCancelled {
            try? await Task.sleep(until: lastRegistryBeat.withLock { $0 } + interval + controlLoopGrace, clock: .continuous)
            guard !Task.isCancelled else { return }
            if ContinuousClock.now - lastRegistryBeat.withLock({ $0 }) >= interval {
                await recordRegistryHeartbeat()
            }
        }
    }

    /// Called by the listener after a wait that ended without a ring: records the heartbeat if it is due, with
    /// the watch off so that the worker's own commit does not wake it. The caller looks at the database next,
    /// which finds what another process committed while the watch was off (Offload's writers announce a
    /// commit once it is visible, so one announced while the watch was off is visible by then).
    func recordRegistryHeartbeatQuietlyIfDue() async {
        guard registryBeatDueForListener <= .zero else { return }
        store.setWakeUpsMuted(true)
        defer { store.setWakeUpsMuted(false) }
        await busyBeacon.during { await recordRegistryHeartbeat() }
    }

    /// One attempt; a failure is logged, and the next attempt comes an interval later, not at once.
    func recordRegistryHeartbeat() async {
        lastRegistryBeat.withLock { $0 = .now }
        do {
            try await store.heartbeat(registryRecord(state: stopRequested.load(ordering: .relaxed) ? "draining" : "running"))
        } catch {
            logger.warning("could not record heartbeat: \(error)")
        }
    }

    func registryRecord(state: String) -> WorkerRecord {
        WorkerRecord(
            id: configuration.workerID, host: WorkerConfiguration.hostName(), pid: getpid(),
            queues: configuration.queues.description, state: state,
            currentTaskIDs: currentTasks.withLock { $0.sorted() }, tasksDone: finishedAttempts,
            startedAt: startedAt, heartbeatAt: Date(), supervisorID: configuration.supervisorID)
    }
}
