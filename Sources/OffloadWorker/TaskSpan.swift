import Offload
import Tracing

/// Each attempt runs in a span (swift-distributed-tracing; the app bootstraps the tracer and its exporter),
/// a child of the trace context stored at enqueue, so a request's trace shows the task it caused
/// (docs/metrics.md, "Tracing"). With the no-op tracer this costs a task-local read and a no-op span.
enum TaskSpan {
    static func run(_ task: ClaimedTask, workerID: String, _ body: () async -> TaskOutcome.Result) async -> TaskOutcome.Result {
        let parent = TaskTraceContext.extract(task.traceContext) ?? ServiceContext.current ?? .topLevel
        return await withSpan(task.taskName, context: parent, ofKind: .consumer) { span in
            span.attributes["offload.task.name"] = task.taskName
            span.attributes["offload.queue"] = task.queueName
            span.attributes["offload.task.id"] = task.id.rawValue
            span.attributes["offload.task.attempt"] = task.attempt
            span.attributes["offload.worker.id"] = workerID
            let result = await body()
            switch result {
            case .succeeded:
                span.attributes["offload.task.outcome"] = "succeeded"
            case .failed(let error, let retryAt):
                span.attributes["offload.task.outcome"] = retryAt == nil ? "failed" : "retrying"
                span.recordError(AttemptFailed(exceptionType: error.exceptionType, message: error.message))
                span.setStatus(SpanStatus(code: .error, message: error.exceptionType))
            case .snoozed:
                span.attributes["offload.task.outcome"] = "snoozed"
            }
            return result
        }
    }

    /// The attempt's error as the span records it: its type and message, never the arguments.
    struct AttemptFailed: Error, CustomStringConvertible {
        var exceptionType: String
        var message: String
        var description: String { "\(exceptionType): \(message)" }
    }
}
