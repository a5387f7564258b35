/// The supervisor's view of one queue: how many workers it wants, and its crash history.
struct QueuePool {
    let name: String
    var target: Int
    /// Workers of older generations are being replaced; only this generation counts toward `target`.
    var generation = 0
    /// Deaths before `ready`, in a row; at the limit the queue is halted.
    var consecutiveStartupFailures = 0
    /// Crashes after `ready` close together; drives the respawn backoff.
    var consecutiveCrashes = 0
    /// No respawn before this instant (backoff).
    var nextSpawnAllowed: ContinuousClock.Instant = .now
    /// Why the queue stopped respawning, if it did.
    var haltReason: String?
    /// Index numbers in use, so a replacement reuses the lowest free one (`email.1`, `email.2`…).
    var usedIndexes: Set<Int> = []

    mutating func takeIndex() -> Int {
        var index = 1
        while usedIndexes.contains(index) { index += 1 }
        usedIndexes.insert(index)
        return index
    }
}
