import Foundation
import Offload

/// The JSON the API answers with (docs/openapi.json describes each).
struct TaskListResponse: Codable, Sendable {
    var tasks: [TaskRecord]
    /// The cursor of the next page (`before=`), or `nil` on the last page.
    var nextCursor: String?
    /// `true` when the store stopped after examining `examineLimit` rows without filling the page (a filter
    /// with no index to search): `nextCursor` continues the search.
    var searchStopped: Bool?
    var examineLimit: Int?
}

struct QueueOverview: Codable, Sendable {
    var name: String
    /// Ready and delayed tasks.
    var pending: Int
    var running: Int
    /// Finished over the last `finishedWindowSeconds` (not ever: that count grows with the table).
    var successful: Int
    var failed: Int
    /// Seconds the oldest ready task has waited; `nil` when none is ready.
    var oldestReadyAgeSeconds: Double?
    /// Whether the queue is paused (`offload pause`): no worker on any host starts its tasks.
    var paused: Bool?
    /// Pending tasks waiting for their run-after time (counted in `pending` too).
    var delayed: Int?
    /// Cancelled over the last `finishedWindowSeconds`.
    var cancelled: Int?
}

struct QueuesResponse: Codable, Sendable {
    var queues: [QueueOverview]
    /// Tasks finished per minute over the last hour.
    var lastHour: [FinishedPerMinute]
    var generatedAt: Date
    /// The window of the queues' finished counts, in seconds back from `generatedAt`: 24 hours, or less when
    /// more tasks than the console's limit finished in them (`finishedLimited`).
    var finishedWindowSeconds: Double?
    var finishedLimited: Bool?
}

struct WorkerView: Codable, Sendable {
    var worker: WorkerRecord
    /// No heartbeat for longer than the console's stale limit.
    var stale: Bool
}

struct WorkersResponse: Codable, Sendable {
    var workers: [WorkerView]
}

/// A bulk action's target: a list of ids, or a filter (with the same names as the task list's query).
struct BulkRequest: Codable, Sendable {
    var ids: [Int64]?
    var filter: [String: String]?
}

struct ActionResponse: Codable, Sendable {
    var action: String
    /// The ids the action changed.
    var touched: [Int64]
    /// The ids it left alone, with why.
    var skipped: [Skipped]

    struct Skipped: Codable, Sendable {
        var id: Int64
        var reason: String
    }
}

/// What `POST /api/v1/queues/{name}/pause` and `/resume` answer.
struct QueueChangeResponse: Codable, Sendable {
    var queue: String
    /// The queue's state now.
    var paused: Bool
    /// `false` when it already was in that state (the request is idempotent).
    var changed: Bool
}
