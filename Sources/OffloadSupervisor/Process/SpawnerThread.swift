import Dispatch
import Foundation
import Synchronization

/// The one long-lived thread every child process is spawned from.
///
/// Linux ties `PR_SET_PDEATHSIG` to the **thread** that created the child, not to the process: when
/// that thread exits, the child receives its "parent died" signal. Swift's cooperative pool and
/// libdispatch retire idle threads after a few seconds, so a worker spawned from a `Task` was
/// measured dying about 5 s after it started, with the supervisor alive and well (platform notes §3,
/// pitfall B). This thread is never retired, so the death signal fires only when the whole
/// supervisor dies.
final class SpawnerThread: Sendable {
    /// The process-wide spawner; started on first use and never stopped.
    static let shared = SpawnerThread()

    private let jobs = Mutex<[@Sendable () -> Void]>([])
    private let jobsAvailable = DispatchSemaphore(value: 0)

    private init() {
        // The singleton lives as long as the process, so the thread may hold it strongly.
        let thread = Thread { [self] in runJobsForever() }
        thread.name = "offload-spawner"
        thread.start()
    }

    private func runJobsForever() -> Never {
        while true {
            jobsAvailable.wait()
            let job = jobs.withLock { $0.removeFirst() }
            job()
        }
    }

    /// Runs `body` on the spawner thread and returns its result.
    ///
    /// The job runs to completion even if the calling task is cancelled meanwhile: a spawn that
    /// happened must be reported, or its child would be left unwatched.
    func run<Result: Sendable>(_ body: @escaping @Sendable () throws -> Result) async throws -> Result {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Result, any Error>) in
            jobs.withLock { $0.append { continuation.resume(with: Swift.Result { try body() }) } }
            jobsAvailable.signal()
        }
    }
}
