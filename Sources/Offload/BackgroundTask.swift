import Foundation

/// A unit of work that runs outside the request that asked for it.
///
/// A task is a type whose static `run` does the work. Its arguments and return value are `Codable`
/// and stored as JSON, so they must survive a trip through the database: pass identifiers, not objects.
///
/// ```swift
/// struct SendEmail: BackgroundTask {
///     struct Arguments: Codable, Sendable { var recipient: String; var subject: String; var message: String }
///     static let options = TaskOptions(queueName: "email", priority: 5)
///
///     static func run(_ arguments: Arguments, context: TaskContext) async throws -> Bool {
///         try await Mailer.shared.send(to: arguments.recipient, subject: arguments.subject, body: arguments.message)
///         return true
///     }
/// }
///
/// let result = try await SendEmail.enqueue(.init(recipient: "ada@example.com", subject: "Hi", message: "…"))
/// ```
///
/// Every task receives a ``TaskContext`` (Django's `takes_context=True`); a task that has no use for it names it `_`.
public protocol BackgroundTask: Sendable {
    /// The JSON-encodable input of one run.
    associatedtype Arguments: Codable & Sendable
    /// The JSON-encodable value stored as the result's return value.
    associatedtype Output: Codable & Sendable

    /// The stable name stored with each enqueued task and used by workers to find the code to run.
    ///
    /// Defaults to the module-qualified type name (`ExampleWorker.SendEmail`), like Django's module path.
    /// **Renaming the type changes the name**: pin it with an explicit value once tasks are in production.
    static var name: String { get }

    /// Queue, priority, backend, retries and timeout. Defaults to ``TaskOptions/init(queueName:priority:backend:retry:timeout:)``.
    static var options: TaskOptions { get }

    /// When the supervisors enqueue this task on their own (see docs/scheduling.md); `nil`, the default: never.
    static var schedule: TaskSchedule? { get }

    /// Does the work of one attempt. Throwing fails the attempt; the retry policy decides what comes next.
    static func run(_ arguments: Arguments, context: TaskContext) async throws -> Output
}

extension BackgroundTask {
    public static var name: String { String(reflecting: Self.self) }
    public static var options: TaskOptions { TaskOptions() }
    public static var schedule: TaskSchedule? { nil }
}

/// The return type of a task that has nothing to report.
public struct NoOutput: Codable, Sendable, Equatable {
    public init() {}
}
