import Logging
import Offload

extension Worker {
    /// Gives back the prefetched tasks among `claimed[prefetchedFrom...]` whose queue was paused since the
    /// claim, before any of them starts. When the store cannot be read, it throws and the caller backs off
    /// and asks again: no prefetched task starts unchecked.
    ///
    /// A claim never takes a task of a paused queue, and the tasks it marks started begin as it commits.
    /// Prefetched ones begin later, without a write, so a pause that lands in between must be checked
    /// here: one read of the small table of paused queues per turn that starts prefetched tasks (with
    /// `--concurrency 1`, every task of a drain), so the store makes that read as cheap as it can
    /// (``TaskStore/pausedQueueNames()``). Limited tasks are never prefetched, so this never holds a
    /// concurrency slot.
    func releasePausedPrefetched(_ claimed: inout [ClaimedTask], prefetchedFrom: Int) async throws {
        guard prefetchedFrom < claimed.count else { return }
        let paused = try await busyBeacon.during { try await store.pausedQueueNames() }
        guard !paused.isEmpty else { return }
        let released = claimed[prefetchedFrom...].filter { paused.contains($0.queueName) }
        guard !released.isEmpty else { return }
        try await busyBeacon.during { try await store.releaseUnstarted(released.map(\.id), workerID: configuration.workerID) }
        let ids = Set(released.map(\.id))
        claimed.removeAll { ids.contains($0.id) }
        logger.info("gave back prefetched tasks of a paused queue", metadata: ["count": "\(released.count)", "queues": "\(Set(released.map(\.queueName)).sorted().joined(separator: ","))"])
    }
}
