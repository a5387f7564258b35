import Foundation
import Hummingbird
import Logging
import Offload

/// Retry, delete and run-now, one task or many: POSTs that need the CSRF token and a same-origin request.
extension ConsoleAPI {
    /// The most tasks one bulk action touches; a larger selection is refused rather than cut silently.
    static let bulkLimit = 1000

    func act(_ action: ConsoleAction, request: Request, id text: String) async throws -> Response {
        try guardAction(request)
        let id = try Self.id(text)
        let result = try await perform(action, on: [id])
        if result.touched.isEmpty, let skipped = result.skipped.first {
            _ = try await store.record(id: id)  // 404 for an unknown id
            return Self.error(.conflict, skipped.reason)
        }
        return try Self.json(result)
    }

    func bulk(_ action: ConsoleAction, request: Request) async throws -> Response {
        try guardAction(request)
        let body = try await request.body.collect(upTo: 1 << 20)
        let bulk: BulkRequest
        do {
            bulk = try JSONDecoder().decode(BulkRequest.self, from: Data(buffer: body))
        } catch {
            throw ConsoleInputError("the body must be JSON: {\"ids\": [1, 2]} or {\"filter\": {\"status\": \"FAILED\"}}")
        }
        let ids: [TaskResultID]
        switch (bulk.ids, bulk.filter) {
        case (let list?, nil):
            guard list.count <= Self.bulkLimit else { throw ConsoleInputError("at most \(Self.bulkLimit) ids in one request, not \(list.count)") }
            ids = list.map(TaskResultID.init(rawValue:))
        case (nil, let filter?):
            var query = try TaskListQuery(parameters: filter)
            guard query.before == nil else { throw ConsoleInputError("a bulk filter takes no cursor") }
            query.limit = Self.bulkLimit + 1
            let matched = try await store.tasks(matching: query)
            guard matched.count <= Self.bulkLimit else {
                throw ConsoleInputError("the filter matches more than \(Self.bulkLimit) tasks: narrow it, or act in several steps")
            }
            ids = matched.map(\.id)
        default:
            throw ConsoleInputError("give either \"ids\" or \"filter\", not both or neither")
        }
        return try Self.json(try await perform(action, on: ids))
    }

    /// Pauses or resumes a queue for every worker on every host (docs/tasks.md, "Pausing a queue").
    func change(_ change: QueueChange, request: Request, queue: String) async throws -> Response {
        try guardAction(request)
        guard !queue.isEmpty, queue.utf8.count <= 200, !queue.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw ConsoleInputError("a queue name is 1 to 200 bytes of printable text")
        }
        let changed = switch change {
        case .pause: try await store.pauseQueue(queue, by: Self.actor, at: Date())
        case .resume: try await store.resumeQueue(queue)
        }
        logger.notice("console: \(change.rawValue) queue \(TerminalSafe.escape(queue))", metadata: ["queue": "\(TerminalSafe.escape(queue))", "changed": "\(changed)"])
        return try Self.json(QueueChangeResponse(queue: queue, paused: change == .pause, changed: changed))
    }

    /// Who the console records as having cancelled or paused something.
    static let actor = "offload web console"

    /// Read-only mode, the CSRF token (constant-time) and the Origin, in that order.
    private func guardAction(_ request: Request) throws {
        if console.configuration.readOnly {
            throw HTTPError(.forbidden, message: "the console is read-only: actions are turned off")
        }
        guard let token = request.headers[ConsoleHeader.csrfToken], ConstantTime.equal(token, console.configuration.csrfToken) else {
            throw HTTPError(.forbidden, message: "missing or wrong X-CSRF-Token header: reload the page")
        }
        if let origin = request.headers[.origin] {
            let host = request.head.authority ?? ""
            guard origin == "http://\(host)" || origin == "https://\(host)" else {
                throw HTTPError(.forbidden, message: "cross-origin request refused (Origin \(origin))")
            }
        }
    }

    func perform(_ action: ConsoleAction, on ids: [TaskResultID]) async throws -> ActionResponse {
        var touched: [TaskResultID] = []
        var skipped: [ActionResponse.Skipped] = []
        let wanted = Array(Set(ids)).sorted()
        switch action {
        case .retry:
            let now = Date()
            for id in wanted {
                do {
                    _ = try await store.retry(id: id, at: now)
                    touched.append(id)
                } catch let error as OffloadError where error.code == .notRetryable || error.code == .resultNotFound {
                    skipped.append(.init(id: id.rawValue, reason: error.message))
                }
            }
        case .delete:
            touched = try await store.deleteFinished(ids: wanted)
            skipped = wanted.filter { !touched.contains($0) }.map { .init(id: $0.rawValue, reason: "task \($0) is not finished (or is gone): only SUCCESSFUL and FAILED tasks can be deleted") }
        case .cancel:
            for cancellation in try await store.cancel(wanted, by: Self.actor, at: Date()) {
                switch cancellation.effect {
                case .cancelled, .requested: touched.append(cancellation.id)
                case .alreadyRequested: skipped.append(.init(id: cancellation.id.rawValue, reason: "task \(cancellation.id) is already being cancelled"))
                case .alreadyFinished: skipped.append(.init(id: cancellation.id.rawValue, reason: "task \(cancellation.id) has finished: only PENDING and RUNNING tasks can be cancelled"))
                case .notFound: skipped.append(.init(id: cancellation.id.rawValue, reason: "no task \(cancellation.id)"))
                }
            }
        case .run:
            touched = try await store.runNow(ids: wanted, at: Date())
            skipped = wanted.filter { !touched.contains($0) }.map { .init(id: $0.rawValue, reason: "task \($0) is not a delayed PENDING task (or is gone)") }
        }
        logger.notice("console: \(action.rawValue) touched \(touched.count) task(s)", metadata: [
            "action": "\(action.rawValue)",
            "touched": "\(touched.map(\.rawValue))",
            "skipped": "\(skipped.map(\.id))",
        ])
        return ActionResponse(action: action.rawValue, touched: touched.map(\.rawValue), skipped: skipped)
    }
}
