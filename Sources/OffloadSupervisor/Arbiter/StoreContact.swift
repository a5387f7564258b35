/// Whether the supervisor may take a stale heartbeat as proof that a worker is gone.
///
/// Workers record their heartbeats in the store, so while the store is unreachable every heartbeat
/// ages, the live workers' too. When it answers again, the first sweep would find every other host's
/// workers stale and take their tasks while they are still running them. So heartbeats are judged only
/// once this supervisor has reached the store for a whole stale-worker timeout without a failure: long
/// enough for every live worker to have recorded a fresh heartbeat. Sweeps run every half timeout, so
/// an outage long enough to age a heartbeat past the timeout always makes one of them fail.
///
/// Dead local processes are recovered meanwhile: their pid settles it, whatever the heartbeat says.
struct StoreContact {
    /// Since when every recorded call has succeeded; `nil` before the first success or after a failure.
    private(set) var reachableSince: ContinuousClock.Instant?

    mutating func record(succeeded: Bool, at now: ContinuousClock.Instant) {
        if !succeeded {
            reachableSince = nil
        } else if reachableSince == nil {
            reachableSince = now
        }
    }

    /// Whether the store has answered every call for at least `duration` up to `now`.
    func hasAnswered(for duration: Duration, at now: ContinuousClock.Instant) -> Bool {
        guard let reachableSince else { return false }
        return now - reachableSince >= duration
    }
}
