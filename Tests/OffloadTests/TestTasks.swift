import Offload

struct Greet: BackgroundTask {
    struct Arguments: Codable, Sendable, Equatable { var name: String }
    static func run(_ arguments: Arguments, context: TaskContext) async throws -> String {
        "Hello, \(arguments.name) (attempt \(context.attempt), result \(context.resultID))"
    }
}

struct Measure: BackgroundTask {
    struct Arguments: Codable, Sendable { var value: Double }
    static let name = "measure"
    static let options = TaskOptions(queueName: "metrics", priority: 7)
    static func run(_ arguments: Arguments, context: TaskContext) async throws -> Double { arguments.value }
}

struct Flaky: BackgroundTask {
    struct Failure: Error {}
    struct Arguments: Codable, Sendable { var failures: Int }
    static let options = TaskOptions(retry: .exponential(maxAttempts: 3, initial: .milliseconds(1)))
    static func run(_ arguments: Arguments, context: TaskContext) async throws -> Int {
        if context.attempt <= arguments.failures { throw Failure() }
        return context.attempt
    }
}

struct OutOfRange: BackgroundTask {
    static let options = TaskOptions(priority: 101)
    static func run(_ arguments: NoArguments, context: TaskContext) async throws -> NoOutput { NoOutput() }
}
