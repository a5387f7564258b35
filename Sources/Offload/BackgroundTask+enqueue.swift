import Foundation

extension BackgroundTask {
    /// Enqueues the task on the backend its options name, from async code.
    /// - Parameter runAfter: the earliest time a worker may start it (a delayed task); `nil` for now.
    /// - Throws: ``OffloadError`` when the backend or queue is unknown or the arguments cannot be stored.
    @discardableResult
    public static func enqueue(_ arguments: Arguments, runAfter: Date? = nil) async throws -> TaskResult<Self> {
        let backend = try TaskBackends.current().backend(alias: options.backend, queue: options.queueName, task: name)
        return try await enqueue(arguments, runAfter: runAfter, on: backend)
    }

    /// Enqueues the task on a given backend, from async code.
    @discardableResult
    public static func enqueue(_ arguments: Arguments, runAfter: Date? = nil, on backend: any TaskBackend) async throws -> TaskResult<Self> {
        let request = try TaskRequest(Self.self, arguments: arguments, runAfter: runAfter)
        return TaskResult(record: try await backend.enqueue(request), backend: backend)
    }

    /// Enqueues the task from synchronous code.
    ///
    /// A ``SynchronousTaskBackend`` (SQLite, in-memory) enqueues at once. An async-only backend (PostgreSQL)
    /// is waited for on the main queue (the main actor) only: Swift picks this overload in top-level code
    /// (`main.swift`) even where the call is written `try await X.enqueue(…)`, because its type checker treats
    /// top-level code as synchronous, and the main queue is not the concurrency pool, so waiting there cannot
    /// starve the enqueue it waits for. Anywhere else it throws rather than block a thread the pool may need.
    /// - Throws: ``OffloadError/Code/synchronousEnqueueUnsupported`` off the main queue with an async-only backend.
    @discardableResult
    public static func enqueue(_ arguments: Arguments, runAfter: Date? = nil) throws -> TaskResult<Self> {
        let backend = try TaskBackends.current().backend(alias: options.backend, queue: options.queueName, task: name)
        if let synchronous = backend as? any SynchronousTaskBackend {
            return try enqueue(arguments, runAfter: runAfter, on: synchronous)
        }
        guard MainQueue.isCurrent else {
            throw OffloadError(.synchronousEnqueueUnsupported, "Backend \"\(options.backend)\" (\(type(of: backend))) can only enqueue asynchronously, and this synchronous call runs off the main thread (the main actor), where waiting for it could stall Swift's concurrency pool: enqueue from an async function with `try await \(Self.self).enqueue(…)`, or from this synchronous code start one with `Task { try await \(Self.self).enqueue(…) }`.")
        }
        let request = try TaskRequest(Self.self, arguments: arguments, runAfter: runAfter)
        return TaskResult(record: try backend.enqueueWaitingOnMainThread(request), backend: backend)
    }

    /// Enqueues the task on a given synchronous backend.
    @discardableResult
    public static func enqueue(_ arguments: Arguments, runAfter: Date? = nil, on backend: some SynchronousTaskBackend) throws -> TaskResult<Self> {
        let request = try TaskRequest(Self.self, arguments: arguments, runAfter: runAfter)
        return TaskResult(record: try backend.enqueue(request), backend: backend)
    }

    /// The result with this id, from the task's backend.
    /// - Throws: ``OffloadError/Code/resultNotFound`` for an unknown id, ``OffloadError/Code/resultOfAnotherTask``
    ///   (naming that task) when the id is another task's.
    public static func result(id: TaskResultID) async throws -> TaskResult<Self> {
        let backend = try TaskBackends.current().backend(alias: options.backend)
        return try await result(id: id, on: backend)
    }

    /// The result with this id, from a given backend; checked as ``result(id:)`` is.
    public static func result(id: TaskResultID, on backend: any TaskBackend) async throws -> TaskResult<Self> {
        try TaskResult(checking: try await backend.record(id: id), backend: backend)
    }
}

extension BackgroundTask where Arguments == NoArguments {
    @discardableResult
    public static func enqueue(runAfter: Date? = nil) async throws -> TaskResult<Self> {
        try await enqueue(NoArguments(), runAfter: runAfter)
    }
}

/// The arguments of a task that takes none.
public struct NoArguments: Codable, Sendable, Equatable {
    public init() {}
}
