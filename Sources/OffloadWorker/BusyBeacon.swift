import Foundation
import Synchronization

/// Keeps the supervisor's heartbeats coming while the worker is busy in a way that can hold every thread
/// of Swift's cooperative pool: waiting on its task store, or running task bodies.
///
/// The heartbeat loop runs on the cooperative pool, which has one thread per core. A SQLite store call
/// blocks its thread while another process holds the write lock (up to the busy timeout, and again on
/// every retry while the lock lasts); a task body that crunches data, or calls anything blocking, holds its
/// thread until it ends. Enough of either take the whole pool: the loop stops, and the supervisor would
/// kill a worker that is only waiting or working as a hung one, failing its tasks for doing their job.
/// This thread beats only while a store call or a task attempt is in flight. A worker stuck anywhere else
/// (its claim loop or the pool wedged with nothing running, or the process stopped) still falls silent and
/// is caught as hung; how long one attempt may run is its task's `timeout`, which the supervisor enforces.
final class BusyBeacon: Sendable {
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
        thread.name = "offload.busy-beacon"
        thread.start()
    }

    func stop() {
        stopped.store(true, ordering: .relaxed)
    }

    /// Runs one store call or task attempt; the supervisor keeps hearing from the worker meanwhile.
    func during<T>(_ call: () async throws -> T) async rethrows -> T {
        callsInFlight.add(1, ordering: .relaxed)
        defer { callsInFlight.subtract(1, ordering: .relaxed) }
        return try await call()
    }
}
