import Foundation
import Hummingbird
import Logging
import Offload

/// The JSON API under `/api/v1/`, which the pages' own script uses.
struct ConsoleAPI: Sendable {
    let console: OffloadConsole
    var store: any TaskStore { console.store }
    var logger: Logger { console.configuration.logger }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    /// Runs a handler and turns what it throws into the API's error shape: 400 for bad input, 404 for an
    /// unknown task, 403/409 as the handler says, 500 for a store failure (logged, never with a secret).
    func answer(_ body: () async throws -> Response) async -> Response {
        do {
            return try await body()
        } catch let error as ConsoleInputError {
            return Self.error(.badRequest, error.message)
        } catch let error as HTTPError {
            return error.consoleResponse()
        } catch let error as OffloadError where error.code == .resultNotFound {
            return Self.error(.notFound, error.message)
        } catch let error as OffloadError where error.code == .notRetryable {
            return Self.error(.conflict, error.message)
        } catch {
            logger.error("console: the store failed", metadata: ["error": "\(error)"])
            return Self.error(.internalServerError, "the task store failed: \(error)")
        }
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try encoder.encode(value)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        HTTPError(status, message: message).consoleResponse()
    }

    static func id(_ text: String) throws(ConsoleInputError) -> TaskResultID {
        guard let id = TaskResultID(text) else { throw ConsoleInputError("\"\(text)\" is not a task id") }
        return id
    }

    // MARK: reading

    func tasks(_ request: Request) async throws -> Response {
        let query = try TaskListQuery(parameters: request.consoleParameters)
        return try Self.json(try await page(query))
    }

    func page(_ asked: TaskListQuery) async throws -> TaskListResponse {
        var query = asked
        query.examineLimit = console.configuration.examineLimit
        let page = try await store.taskPage(matching: query)
        return TaskListResponse(tasks: page.tasks, nextCursor: page.nextCursor.map { String($0.rawValue) },
                                searchStopped: page.searchStopped ? true : nil, examineLimit: page.searchStopped ? query.clampedExamineLimit : nil)
    }

    func task(_ text: String) async throws -> Response {
        try Self.json(try await readableRecord(id: try Self.id(text)))
    }

    /// One task through a listing rather than `record(id:)`, as `offload show` does: a row with garbage in a
    /// column is still shown, its unreadable columns marked, instead of failing the request.
    func readableRecord(id: TaskResultID) async throws -> TaskRecord {
        guard let record = try await store.records(matching: TaskFilter(id: id, limit: 1)).first else {
            throw OffloadError(.resultNotFound, "No task \(id): it was never enqueued, or it was pruned or deleted.")
        }
        return record
    }

    func queues() async throws -> Response {
        try Self.json(try await overview(now: Date()))
    }

    /// How far back the Overview counts finished tasks: a window keeps the count an index range, whatever
    /// the table holds (counting every finished row took seconds with a million of them).
    static let finishedWindow: TimeInterval = 86_400

    func overview(now: Date) async throws -> QueuesResponse {
        async let recent = store.recentCounts(finishedSince: now.addingTimeInterval(-Self.finishedWindow), finishedLimit: console.configuration.finishedCountLimit, at: now)
        async let pausedQueues = store.pausedQueues()
        let counts = try await recent
        // The chart counts no more rows than the counts did: when their window was cut, it starts at the cut too.
        let chartSince = max(now.addingTimeInterval(-3600), counts.finishedLimited ? counts.finishedSince : .distantPast)
        async let lastHour = store.finishedPerMinute(since: chartSince)
        let paused = Set(try await pausedQueues.map(\.queueName))
        var queues = counts.queues.map { count in
            QueueOverview(name: count.queueName, pending: count.pending, running: count.running, successful: count.succeeded, failed: count.failed,
                          oldestReadyAgeSeconds: count.oldestReadySince.map { max(0, now.timeIntervalSince($0)) }, paused: paused.contains(count.queueName),
                          delayed: count.delayed, cancelled: count.cancelled)
        }
        // A paused queue with no task yet still shows, so it can be resumed from here.
        for name in paused.sorted() where !queues.contains(where: { $0.name == name }) {
            queues.append(QueueOverview(name: name, pending: 0, running: 0, successful: 0, failed: 0, oldestReadyAgeSeconds: nil, paused: true, delayed: 0, cancelled: 0))
        }
        return QueuesResponse(queues: queues, lastHour: try await lastHour, generatedAt: now,
                              finishedWindowSeconds: counts.finishedLimited ? max(0, now.timeIntervalSince(counts.finishedSince)) : Self.finishedWindow, finishedLimited: counts.finishedLimited ? true : nil)
    }

    func workers() async throws -> Response {
        try Self.json(WorkersResponse(workers: try await workerViews(now: Date())))
    }

    func workerViews(now: Date) async throws -> [WorkerView] {
        let limit = console.staleAfter.seconds
        return try await store.workers().map { WorkerView(worker: $0, stale: now.timeIntervalSince($0.heartbeatAt) > limit) }
    }
}

