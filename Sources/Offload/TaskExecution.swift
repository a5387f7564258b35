import Foundation

/// Runs one claimed attempt and turns whatever happens into a ``TaskOutcome``: shared by workers and the immediate backend.
public enum TaskExecution {
    public static func run(_ task: ClaimedTask, registry: TaskRegistry, workerID: String?, now: @Sendable () -> Date = { Date() }) async -> TaskOutcome.Result {
        let context = TaskContext(resultID: task.id, attempt: task.attempt, taskName: task.taskName, workerID: workerID)
        guard let runner = registry.runner(named: task.taskName) else {
            let error = TaskAttemptError(
                exceptionType: TaskFailureKind.unknownTask,
                message: "No task named \(task.taskName) is registered in this worker (it knows: \(registry.names.joined(separator: ", "))). Register it, or run a worker built from the code that enqueued it.",
                attempt: task.attempt, workerID: workerID, failedAt: now())
            // Retrying cannot help: the same binary will not learn the name.
            return .failed(error, retryAt: nil)
        }
        do {
            let returnValue: String
            if let timeout = task.timeout {
                returnValue = try await withTimeout(timeout, taskName: task.taskName) { try await runner(task.arguments, context) }
            } else {
                returnValue = try await runner(task.arguments, context)
            }
            return .succeeded(returnValue: returnValue)
        } catch let snooze as TaskSnooze {
            return .snoozed(until: snooze.wakeTime(after: now()))
        } catch {
            let failedAt = now()
            let attemptError: TaskAttemptError
            if let failure = error as? TaskExecutionFailure {
                attemptError = TaskAttemptError(exceptionType: failure.exceptionType, message: failure.message, attempt: task.attempt, workerID: workerID, failedAt: failedAt)
            } else {
                attemptError = TaskAttemptError(thrown: error, attempt: task.attempt, workerID: workerID, failedAt: failedAt)
            }
            let retryable = attemptError.exceptionType != TaskFailureKind.undecodableArguments
            guard retryable, task.retry.allowsAnotherAttempt(after: task.attempt) else {
                return .failed(attemptError, retryAt: nil)
            }
            let wait = task.retry.backoff(afterAttempt: task.attempt)
            return .failed(attemptError, retryAt: failedAt.addingTimeInterval(wait.seconds))
        }
    }

    /// Runs `body`, cancelling it when `timeout` expires; cancellation is cooperative, so the body must check for it.
    static func withTimeout(_ timeout: Duration, taskName: String, _ body: @escaping @Sendable () async throws -> String) async throws -> String {
        try await withThrowingTaskGroup(of: String?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw CancellationError() }
            if let value = first { return value }
            throw TaskExecutionFailure(exceptionType: TaskFailureKind.timedOut, message: "\(taskName) did not finish within its timeout of \(timeout) and was cancelled.")
        }
    }
}
