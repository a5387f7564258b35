import Foundation

extension TaskBackend {
    /// Backends without a database (in-memory, immediate) keep no keys: every enqueue is new.
    public func enqueueReportingDuplicate(_ request: TaskRequest) async throws -> EnqueueOutcome {
        .enqueued(try await enqueue(request))
    }
}

extension BackgroundTask {
    /// Enqueues the task unless one with the same unique key is already there, and says which happened.
    ///
    /// The key comes from ``TaskOptions/unique`` (all arguments by default); `key` replaces it for this
    /// enqueue. The plain ``enqueue(_:runAfter:)`` deduplicates the same way but returns only the result.
    /// - Throws: ``OffloadError/Code/invalidOption`` when the task has no `unique` option and no `key` is given.
    public static func enqueueUnique(_ arguments: Arguments, runAfter: Date? = nil, key: String? = nil, on backend: (any TaskBackend)? = nil) async throws -> UniqueEnqueue<Self> {
        let backend = try backend ?? TaskBackends.current().backend(alias: options.backend, queue: options.queueName, task: name)
        var request = try TaskRequest(Self.self, arguments: arguments, runAfter: runAfter)
        guard let unique = options.unique ?? key.map({ UniqueTask(key: .explicit($0)) }) else {
            throw OffloadError.invalidOption(task: name, "enqueueUnique needs TaskOptions(unique:) or a key")
        }
        if let key {
            request.unique = try UniqueTask(key: .explicit(key), period: unique.period, states: unique.states).constraint(taskName: name, arguments: request.arguments)
        }
        switch try await backend.enqueueReportingDuplicate(request) {
        case .enqueued(let record): return .enqueued(TaskResult(record: record, backend: backend))
        case .duplicate(of: let record): return .duplicate(of: TaskResult(record: record, backend: backend))
        }
    }
}
