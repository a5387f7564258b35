import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import Offload
import OffloadSQLite
import OffloadTesting
import OffloadWeb

/// A console over a fresh SQLite database, tested through Hummingbird's router test client.
struct ConsoleFixture {
    let directory = TemporaryDirectory("offload-web")
    let store: SQLiteTaskStore
    let configuration: ConsoleConfiguration

    init(readOnly: Bool = false, examineLimit: Int? = nil, finishedCountLimit: Int? = nil) throws {
        store = try SQLiteTaskStore(path: directory.file("tasks.sqlite3"))
        var configuration = ConsoleConfiguration(readOnly: readOnly, csrfToken: "test-token")
        if let examineLimit { configuration.examineLimit = examineLimit }
        if let finishedCountLimit { configuration.finishedCountLimit = finishedCountLimit }
        self.configuration = configuration
    }

    func test<Value>(_ body: @Sendable (any TestClientProtocol) async throws -> Value) async throws -> Value {
        let router = Router()
        OffloadConsole(store: store, configuration: configuration).addRoutes(to: router.group())
        return try await Application(router: router).test(.router, body)
    }

    @discardableResult
    func enqueue(_ name: String = "mail", queue: String = "default", arguments: String = "{}", runAfter: Date? = nil) async throws -> TaskRecord {
        try await store.enqueue(TaskRequest(taskName: name, queueName: queue, arguments: arguments, runAfter: runAfter))
    }

    /// A task that failed its only attempt.
    func failedTask(_ name: String = "mail") async throws -> TaskRecord {
        let task = try await enqueue(name, queue: "failing")
        let claimed = try await store.complete([], thenClaim: ClaimRequest(workerID: "w1", queues: .named(["failing"]), limit: 1))
        let error = TaskAttemptError(exceptionType: "MailError", message: "<b>smtp down</b>", traceback: "frame 1\nframe 2", attempt: 1, workerID: "w1")
        _ = try await store.complete(claimed.map { TaskOutcome(id: $0.id, workerID: "w1", result: .failed(error, retryAt: nil)) }, thenClaim: nil)
        return try await store.record(id: task.id)
    }

    static let actionHeaders: HTTPFields = [HTTPField.Name("X-CSRF-Token")!: "test-token", .contentType: "application/json"]
}

extension TestResponse {
    var text: String { String(buffer: body) }
    func json() throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
    }
}
