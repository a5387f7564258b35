import Foundation
import Offload

/// What a store refuses before writing: names that could forge output, numbers that could trap later.
enum EnqueueValidationChecks {
    static let all: [ConformanceCheck] = [
        ConformanceCheck("enqueue, alone or in a batch, refuses a name with control characters or an absurd number and stores nothing") { c in
            let refused = [
                TaskRequest(taskName: "Mail.Send\n12 SUCCESSFUL \u{1B}[31m"),
                TaskRequest(taskName: "t", queueName: "mail\r"),
                TaskRequest(taskName: "t", runAfter: Date(timeIntervalSince1970: 1e300)),
                TaskRequest(taskName: "t", retry: RetryPolicy(maxAttempts: 2, initialBackoff: .milliseconds(20_000_000_000_000_000))),
            ]
            for request in refused {
                await c.expectError(.invalidOption, "enqueueing \(request.taskName.debugDescription) in \(request.queueName.debugDescription)") {
                    _ = try await c.store.enqueue(request)
                }
                await c.expectError(.invalidOption, "a batch holding \(request.taskName.debugDescription)") {
                    _ = try await c.store.enqueue(batch: [TaskRequest(taskName: "fine"), request])
                }
            }
            c.expectEqual(try await c.store.records(matching: TaskFilter()).count, 0, "tasks stored")
        },
    ]
}
