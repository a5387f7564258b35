@_exported import Offload

/// Turns a `static func … async` into a ``BackgroundTask`` type beside it.
///
/// ```swift
/// import OffloadMacros
///
/// @TaskNamespace
/// enum MailTasks {
///     @OffloadTask(queue: "email", priority: 5, retry: .exponential(maxAttempts: 3))
///     static func sendEmail(recipient: String, subject: String, context: TaskContext) async throws -> Bool {
///         try await Mailer.shared.send(to: recipient, subject: subject)
///         return true
///     }
/// }
///
/// try await MailTasks.SendEmail.enqueue(recipient: "ada@example.com", subject: "Hi")
/// ```
///
/// The function's name, capitalized, names the task type (`sendEmail` → `SendEmail`). The type has:
/// - `Arguments`: one stored property per parameter (`Codable`, `Sendable`, with a memberwise `init` that keeps
///   the parameters' labels and default values; `public` when the function is);
/// - `name` when `name:` is given (otherwise the module-qualified type name, as for any task), and `options`
///   built from `queue:`, `priority:`, `backend:`, `retry:` and `timeout:`;
/// - `run(_:context:)`, which calls the function; a last parameter of type `TaskContext` receives the context;
///   a function that returns nothing returns `NoOutput`;
/// - `enqueue(…)` with the function's own labels, plus `runAfter:`, in the four forms of the `enqueue` family
///   (async, synchronous, on a given backend), and `request(…)` for a transactional enqueue
///   (`try store.enqueue(MailTasks.SendEmail.request(recipient: …, subject: …), in: db)`).
///
/// Declare the function inside an `enum` marked ``TaskNamespace()``: Swift lets a macro add a type only inside
/// another type, and the namespace lists every task declared in it for the worker's registry.
@attached(peer, names: arbitrary)
public macro OffloadTask(
    name: String? = nil,
    queue: String = TaskOptions.defaultQueueName,
    priority: Int = 0,
    backend: String = TaskOptions.defaultBackend,
    retry: RetryPolicy = .none,
    timeout: Duration? = nil
) = #externalMacro(module: "OffloadMacrosPlugin", type: "OffloadTaskMacro")

/// Adds `static let all: [any BackgroundTask.Type]`, every task declared in the enum: each `@OffloadTask`
/// function and each nested type that declares `BackgroundTask`. A worker registers them in one line, so a new
/// task cannot be forgotten:
///
/// ```swift
/// registry.register(MailTasks.all)
/// ```
///
/// Two tasks of one namespace with the same type name or the same `name:` are a compile-time error.
@attached(member, names: named(all))
public macro TaskNamespace() = #externalMacro(module: "OffloadMacrosPlugin", type: "TaskNamespaceMacro")
