import Foundation
import Offload

/// Tasks that declare queues other than `default`, for the tests of queue discovery (`--describe-tasks`) and
/// of `offload enqueue` applying declared options. Registered only when `OFFLOAD_TEST_DECLARE_QUEUES` is set,
/// so that the other tests' supervisors, which serve every declared queue, keep the pools they expect.
enum DeclaredQueueTasks {
    static func register(in registry: TaskRegistry) {
        guard ProcessInfo.processInfo.environment["OFFLOAD_TEST_DECLARE_QUEUES"] != nil else { return }
        registry.register(ResizeImage.self)
        registry.register(ChargeCard.self)
    }
}

/// Declares the `images` queue.
struct ResizeImage: BackgroundTask {
    struct Arguments: Codable, Sendable { var label: String }
    static let name = "test.resize-image"
    static let options = TaskOptions(queueName: "images")
    static func run(_ arguments: Arguments, context: TaskContext) async throws -> String {
        try RunLog.append(arguments.label)
        return arguments.label
    }
}

/// Declares the `payments` queue, priority 7, three attempts and a 60 s timeout; fails until its third attempt.
struct ChargeCard: BackgroundTask {
    struct Arguments: Codable, Sendable {}
    static let name = "test.charge-card"
    static let options = TaskOptions(queueName: "payments", priority: 7, retry: .exponential(maxAttempts: 3, initial: .milliseconds(10), maximum: .milliseconds(50)), timeout: .seconds(60))
    static func run(_ arguments: Arguments, context: TaskContext) async throws -> Int {
        guard context.attempt >= 3 else { throw TaskAttemptFailure(message: "declined on attempt \(context.attempt)") }
        return context.attempt
    }
}

struct TaskAttemptFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
