import Foundation
import Offload

/// Says whether an environment variable is set in the worker running the task: what the task, and any
/// process it starts, would inherit. The secret-handling tests use it.
struct EnvironmentProbe: BackgroundTask {
    struct Arguments: Codable, Sendable { var variable: String }
    static let name = "test.environment"
    static func run(_ arguments: Arguments, context: TaskContext) async throws -> String {
        ProcessInfo.processInfo.environment[arguments.variable] == nil ? "unset" : "set"
    }
}
