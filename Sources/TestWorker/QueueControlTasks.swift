import Foundation
import Offload

/// Tasks for the multi-process tests of concurrency limits and paused queues: each returns when it ran,
/// by its own clock (all processes of a test share the machine's), as "START_MICROS END_MICROS".
enum QueueControlTasks {
    static func register(in registry: TaskRegistry) {
        registry.register(LimitedSpan.self)
        registry.register(Span.self)
    }

    struct Arguments: Codable, Sendable {
        var sleepMilliseconds: Int
    }

    static func span(sleeping milliseconds: Int) async throws -> String {
        let start = Date()
        try await Task.sleep(for: .milliseconds(min(max(milliseconds, 0), 10_000)))
        return "\(Int64(start.timeIntervalSince1970 * 1_000_000)) \(Int64(Date().timeIntervalSince1970 * 1_000_000))"
    }
}

/// At most two RUNNING at once, on every worker and host.
struct LimitedSpan: BackgroundTask {
    static let name = "test.limited-span"
    static let options = TaskOptions(concurrencyLimit: ConcurrencyLimit(limit: 2))
    static func run(_ arguments: QueueControlTasks.Arguments, context: TaskContext) async throws -> String {
        try await QueueControlTasks.span(sleeping: arguments.sleepMilliseconds)
    }
}

/// The same without a limit.
struct Span: BackgroundTask {
    static let name = "test.span"
    static func run(_ arguments: QueueControlTasks.Arguments, context: TaskContext) async throws -> String {
        try await QueueControlTasks.span(sleeping: arguments.sleepMilliseconds)
    }
}
