import Offload

/// The state of the periodic look for queues whose tasks no worker serves (see `Arbiter+unservedQueues.swift`).
struct UnservedQueueWatch {
    /// Every 10 s: one grouped count and one read of the registry of workers.
    static let interval: Duration = .seconds(10)

    var nextCheck: ContinuousClock.Instant = .now
    var running = false
    /// The last answer, for `supervisor ctl status`.
    var current: [UnservedQueue] = []
    /// What was last logged per queue, so a line is logged once, and again only when its count changes.
    var reported: [String: Int] = [:]
    /// The paused queues at the last look, for `ctl status`; a pause or resume is logged once.
    var paused: [PausedQueue] = []
}
