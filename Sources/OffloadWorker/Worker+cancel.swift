import Foundation
import Logging
import Offload

extension Worker {
    /// How often a busy worker asks the store which of its tasks someone cancelled: one indexed read per
    /// interval while it holds tasks, never one per task, so the plain drain pays nothing measurable.
    static var cancelPollInterval: Duration { .milliseconds(500) }

    /// Runs one attempt in a `Task` of its own, so that a cancel request cancels this attempt alone (the
    /// claim loop's task group cannot cancel one of its children). Cancelling the worker's own task (the
    /// graceful timeout) still reaches it.
    func runCancellable(_ task: ClaimedTask) async -> TaskOutcome.Result {
        let workerID = configuration.workerID
        if cancellations.isRequested(task.id) {
            // Cancelled while prefetched: the store ends it CANCELLED whatever this says; it need not run.
            return .failed(Self.cancelledBeforeStart(task, workerID: workerID), retryAt: nil)
        }
        let registry = registry
        let attempt = Task { await TaskExecution.run(task, registry: registry, workerID: workerID) }
        cancellations.started(task.id, attempt)
        return await withTaskCancellationHandler {
            await attempt.value
        } onCancel: {
            attempt.cancel()
        }
    }

    private static func cancelledBeforeStart(_ task: ClaimedTask, workerID: String) -> TaskAttemptError {
        TaskAttemptError(exceptionType: TaskFailureKind.cancelled, message: "\(task.taskName) was cancelled before it started.", attempt: task.attempt, workerID: workerID, failedAt: Date())
    }

    /// Polls for cancel requests while the worker holds tasks, cancels the attempts concerned, and tells the
    /// supervisor (`cancelling ID`), which kills this worker if the attempt ignores it for `timeout-grace`.
    /// An idle worker does not poll: it waits for an attempt to begin (no wake-ups at night).
    func watchForCancellations() async {
        while !Task.isCancelled {
            if currentTasks.withLock({ $0.isEmpty }) {
                // A ring between the check and the wait is remembered, so the first attempt is never missed.
                await taskBegan.wait(timeout: .seconds(3600))
                continue
            }
            try? await Task.sleep(for: Self.cancelPollInterval)
            guard !currentTasks.withLock({ $0.isEmpty }) else { continue }
            let requested: Set<TaskResultID>
            do {
                requested = try await store.cancelRequests(ofWorker: configuration.workerID)
            } catch {
                // The claim loop reports a failing store; the next poll asks again.
                continue
            }
            guard !requested.isEmpty else { continue }
            let cancelled = cancellations.request(requested)
            guard !cancelled.isEmpty else { continue }
            status.report(cancelled.map { .cancelling($0.rawValue) })
            for id in cancelled {
                logger.notice("task cancelled while running: stopping it", metadata: ["worker": "\(configuration.workerID)", "id": "\(id)"])
            }
        }
    }
}
