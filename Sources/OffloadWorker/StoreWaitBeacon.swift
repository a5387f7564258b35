import Foundation
import Synchronization

/// Keeps the supervisor's heartbeats coming while the worker waits on its task store.
///
/// The heartbeat loop runs on the cooperative pool. A SQLite store call blocks its thread while another
/// process holds the write lock (up to the busy timeout, and again on every retry while the lock lasts),
/// and two such calls take every thread of a two-core pool: the loop stops, and the supervisor would kill
/// a worker that is only waiting for the database as a hung one. This thread beats only while a store
/// call is in flight, so a worker stuck anywhere else still falls silent and is still caught.
final class StoreWaitBeacon: Sendable {
    private let status: StatusReporter
    private let interval: Duration
    private let callsInFlight = Atomic<Int>(0)
    private let stopped = Atomic<Bool>(false)

    init(status: StatusReporter, interval: Duration) {
        self.status = status
        self.interval = interval
    }

    /// Starts the beating thread, which reports `tasksDone()` in its heartbeats; without a supervisor
    /// to tell, there is nothing to do.
    func start(tasksDone: @escaping @Sendable () -> Int) {
        guard status.isConnected else { return }
        let thread = Thread { [self] in
            // The interval is a validated flag; clamped anyway, since a conversion must not trap.
            let micros = UInt32(min(max(interval.seconds, 0.001), 60) * 1_000_000)
            while !stopped.load(ordering: .relaxed) {
                usleep(micros)
                if callsInFlight.load(ordering: .relaxed) > 0 {
                    status.report(.heartbeat(tasksDone: tasksDone()))
                }
            }
        }
        thread.name = "offload.store-wait-beacon"
        thread.start()
    }

    func stop() {
        stopped.store(true, ordering: .relaxed)
    }

    /// Runs one store call; the supervisor keeps hearing from the worker while it waits.
    func during<T>(_ call: () async throws -> T) async rethrows -> T {
        callsInFlight.add(1, ordering: .relaxed)
        defer { callsInFlight.subtract(1, ordering: .relaxed) }
        return try await call()
    }
}
