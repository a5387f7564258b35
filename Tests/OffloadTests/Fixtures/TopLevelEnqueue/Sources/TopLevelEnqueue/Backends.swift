import Foundation
import Offload
import Synchronization

/// A backend that can only enqueue asynchronously, as the PostgreSQL store: it keeps tasks in memory.
final class AsyncOnlyBackend: TaskBackend {
    private let memory = InMemoryBackend()

    func enqueue(_ request: TaskRequest) async throws -> TaskRecord {
        await Task.yield()
        return try await memory.enqueue(request)
    }

    func record(id: TaskResultID) async throws -> TaskRecord { try await memory.record(id: id) }
}

struct Ping: BackgroundTask {
    struct Arguments: Codable, Sendable { var label: String }
    static let name = "fixture.ping"
    static func run(_ arguments: Arguments, context: TaskContext) async throws -> String { arguments.label }
}

struct MemoryPing: BackgroundTask {
    struct Arguments: Codable, Sendable { var label: String }
    static let name = "fixture.memory-ping"
    static let options = TaskOptions(backend: "memory")
    static func run(_ arguments: Arguments, context: TaskContext) async throws -> String { arguments.label }
}

/// Calls in a synchronous function and an async one, as a user's helpers would.
func enqueueFromSynchronousFunction() throws -> TaskResultID {
    try Ping.enqueue(.init(label: "sync function")).id
}

func enqueueFromAsyncFunction() async throws -> TaskResultID {
    try await Ping.enqueue(.init(label: "async function")).id
}

/// Runs `body` on a thread of its own (not the main thread) and returns what it returned or threw.
func onAnotherThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) -> Result<T, any Error> {
    let outcome = ThreadOutcome<T>()
    Thread {
        outcome.finish(Result { try body() })
    }.start()
    return outcome.wait()
}

final class ThreadOutcome<T: Sendable>: Sendable {
    private let result = Mutex<Result<T, any Error>?>(nil)
    private let done = DispatchSemaphore(value: 0)

    func finish(_ outcome: Result<T, any Error>) {
        result.withLock { $0 = outcome }
        done.signal()
    }

    func wait() -> Result<T, any Error> {
        done.wait()
        return result.withLock { $0! }  // set before the signal
    }
}

func describe(_ result: Result<TaskResultID, any Error>) -> String {
    switch result {
    case .success(let id): "enqueued \(id)"
    case .failure(let error): "error: \(error)"
    }
}
