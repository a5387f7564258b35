import Foundation
import Synchronization

/// The tasks a process can run, by name: what a worker consults for each claimed task.
///
/// ```swift
/// let registry = TaskRegistry()
/// registry.register(SendEmail.self)
/// ```
public final class TaskRegistry: Sendable {
    /// Runs one attempt from JSON arguments to JSON return value.
    public typealias Runner = @Sendable (_ arguments: String, _ context: TaskContext) async throws -> String

    private let runners = Mutex<[String: Runner]>([:])
    /// What each registered task declares, for `--describe-tasks` and the declared-task table.
    private let declared = Mutex<[String: TaskDeclaration]>([:])

    public init() {}

    /// Adds a task. Registering two tasks under one name is a programming error and traps.
    public func register<T: BackgroundTask>(_ task: T.Type) {
        let name = T.name
        let runner: Runner = { json, context in
            let arguments: T.Arguments
            do {
                arguments = try TaskJSON.decode(T.Arguments.self, from: json)
            } catch {
                throw TaskExecutionFailure(
                    exceptionType: TaskFailureKind.undecodableArguments,
                    message: "The stored arguments of \(name) no longer decode as \(T.Arguments.self): \(error). Was the task's Arguments type changed after this task was enqueued?")
            }
            let output = try await T.run(arguments, context: context)
            do {
                return try TaskJSON.encode(output)
            } catch {
                throw TaskExecutionFailure(
                    exceptionType: TaskFailureKind.unencodableReturnValue,
                    message: "\(name) returned a value that cannot be stored as JSON: \(error).")
            }
        }
        runners.withLock { runners in
            precondition(runners[name] == nil, "Two tasks are registered under the name \(name); give one of them an explicit `static let name`.")
            runners[name] = runner
        }
        declared.withLock { $0[name] = TaskDeclaration(name: name, options: T.options, schedule: T.schedule) }
    }

    public func runner(named name: String) -> Runner? {
        runners.withLock { $0[name] }
    }

    /// What the registered tasks declare, sorted by name.
    public var declarations: [TaskDeclaration] {
        declared.withLock { $0.values.sorted { $0.name < $1.name } }
    }

    /// Registered names, sorted.
    public var names: [String] {
        runners.withLock { $0.keys.sorted() }
    }
}

/// A failure found by Offload around a task (not thrown by the task itself), with the name it is recorded under.
public struct TaskExecutionFailure: Error, Sendable, CustomStringConvertible {
    public var exceptionType: String
    public var message: String
    public var description: String { message }

    public init(exceptionType: String, message: String) {
        self.exceptionType = exceptionType
        self.message = message
    }
}
