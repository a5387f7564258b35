import Foundation
import Offload

/// The trace context active at enqueue is stored whichever way a task is enqueued, one by one or in a batch.
enum TraceContextBatchChecks {
    static let all: [ConformanceCheck] = [
        ConformanceCheck("a batch enqueue stores each task's trace context, and none for a task enqueued without one") { c in
            let traced = #"{"traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}"#
            let records = try await c.store.enqueue(batch: [
                TaskRequest(taskName: "t", arguments: "{}", traceContext: traced),
                TaskRequest(taskName: "t", arguments: "{}", traceContext: nil),
                TaskRequest(taskName: "t", arguments: "{}", traceContext: #"{"traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00"}"#),
            ])
            let claimed = try await c.claim(3)
            var byID: [TaskResultID: String?] = [:]
            for task in claimed { byID[task.id] = task.traceContext }
            c.expectEqual(claimed.count, 3, "tasks claimed")
            c.expectEqual(byID[records[0].id] ?? nil, traced, "the first task's trace context")
            c.expect((byID[records[1].id] ?? nil) == nil, "the untraced task has none: \(String(describing: byID[records[1].id]))")
            c.expect((byID[records[2].id] ?? nil)?.contains("0af7651916cd43dd8448eb211c80319c") == true, "the third task's own trace context")
        },
    ]
}
