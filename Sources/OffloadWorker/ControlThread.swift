import Dispatch
import Foundation
import Synchronization

/// A thread of its own for the worker's control loops: the registry heartbeat and the cancel-request poll.
///
/// Task bodies run on Swift's cooperative pool, one thread per core, and a body that crunches data or
/// blocks holds its thread until it ends. With as many such tasks as cores, nothing else on the pool runs:
/// the registry heartbeat would go stale (on PostgreSQL another host's supervisor would then take the
/// tasks of a worker that is still running them) and a cancel request would go unseen. Child tasks that
/// prefer this executor run here whatever the pool is doing.
final class ControlThread: TaskExecutor, Sendable {
    private let jobs = Mutex<[UnownedJob]>([])
    private let jobsWaiting = DispatchSemaphore(value: 0)
    private let stopped = Atomic<Bool>(false)

    init(name: String) {
        let thread = Thread { [self] in
            while true {
                jobsWaiting.wait()
                guard let job = jobs.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) else { return }
                job.runSynchronously(on: asUnownedTaskExecutor())
            }
        }
        thread.name = name
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        jobs.withLock { $0.append(job) }
        jobsWaiting.signal()
    }

    /// Ends the thread once the jobs already queued have run; the tasks that prefer it must have ended.
    func stop() {
        guard !stopped.exchange(true, ordering: .relaxed) else { return }
        // An empty queue when woken is the thread's signal to return.
        jobsWaiting.signal()
    }
}
