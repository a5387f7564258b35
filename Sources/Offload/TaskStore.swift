import Foundation

/// Durable task storage shared by the app, the workers and the supervisor.
///
/// A store is the only thing workers and supervisors know about the database: the SQLite store
/// and the PostgreSQL store implement it. It holds the few operations they need; everything
/// that is the same for every store lives in the worker runtime and the supervisor.
///
/// Every operation is atomic: a task is claimed by one worker or none, and an outcome is recorded
/// whole or not at all.
public protocol TaskStore: TaskBackend {
    /// Enqueues many tasks in one transaction, in order: all are stored, or none (a fan-out, an import).
    func enqueue(batch requests: [TaskRequest]) async throws -> [TaskRecord]

    /// Records finished attempts, then claims up to `claim.limit` ready tasks, in one write.
    ///
    /// Claiming marks the tasks RUNNING for `claim.workerID` and counts an attempt; the highest
    /// priority comes first, then the earliest `runAfter`, then the order of enqueueing.
    /// Doing both in one transaction halves the writes a busy worker makes.
    func complete(_ outcomes: [TaskOutcome], thenClaim claim: ClaimRequest?) async throws -> [ClaimedTask]

    /// Whether a task in `queues` is ready to start at `now`, without taking the write lock.
    func hasReadyTask(in queues: QueueSelection, at now: Date) async throws -> Bool

    /// The earliest `runAfter` of a pending task in `queues`, to sleep until then.
    func nextRunAfter(in queues: QueueSelection) async throws -> Date?

    /// Gives back claimed tasks that the worker never started: they return to PENDING and their attempt is not counted.
    func releaseUnstarted(_ ids: [TaskResultID], workerID: String) async throws

    /// Settles every task still RUNNING for a worker that is gone.
    ///
    /// A task the worker had started counts its attempt as failed with `loss`'s reason and is retried if
    /// its policy allows, else FAILED. A task it had claimed but not started goes back to PENDING uncounted.
    /// When `loss.startedTaskIDs` is `nil` (nobody watched the worker), the store's own mark decides: a task
    /// claimed as prefetched (beyond ``ClaimRequest/startingAtOnce``) goes back uncounted, any other counts.
    func recoverTasks(of loss: WorkerLoss, at now: Date) async throws -> [RecoveredTask]

    /// Records a worker's liveness and progress, so that status commands and other hosts can see it.
    func heartbeat(_ worker: WorkerRecord) async throws

    /// Removes a worker that stopped cleanly from the registry of workers.
    func unregisterWorker(id: String) async throws

    /// The registered workers, newest heartbeat first.
    func workers() async throws -> [WorkerRecord]

    /// Recovers the tasks of every registered worker whose heartbeat is older than `staleAfter`, or of workers
    /// that no longer exist, and removes them from the registry; `now` is the reference time.
    func recoverStaleWorkers(staleAfter: Duration, at now: Date, isAlive: @Sendable (WorkerRecord) -> Bool) async throws -> [RecoveredTask]

    /// Deletes finished results older than `age`, in small chunks so writers are never stalled for long.
    func prune(_ request: PruneRequest) async throws -> Int

    /// Tasks matching a filter, newest first.
    func records(matching filter: TaskFilter) async throws -> [TaskRecord]

    /// How many tasks each queue holds in each status.
    func counts() async throws -> [QueueCounts]

    /// Puts a FAILED task back to PENDING with a fresh set of attempts (the admin "retry").
    func retry(id: TaskResultID, at now: Date) async throws -> TaskRecord

    /// A stream that yields whenever tasks may have been added or become ready, so idle workers need not poll.
    func wakeUps() -> AsyncStream<Void>

    /// Whether an idle worker claims straight after a wake-up, rather than first asking ``hasReadyTask(in:at:)``.
    ///
    /// `true` where a wake-up almost always means work and a claim that finds nothing costs one round trip
    /// (PostgreSQL's NOTIFY, sent only by enqueues and retries); `false` where every commit wakes the workers,
    /// their own included, and a claim takes the database's write lock (SQLite's WAL watch).
    var claimsOnWakeUp: Bool { get }

    // MARK: bulk retry

    /// Puts every FAILED task matching `request` back to PENDING with a fresh set of attempts, one statement
    /// per chunk of ``BulkRetryRequest/chunkSize`` rows, in id order; with `dryRun`, only lists them.
    func retry(matching request: BulkRetryRequest) async throws -> [RetriedTask]

    // MARK: console

    /// Tasks matching the console's filters, newest first, one keyset page (see ``TaskListQuery``).
    func tasks(matching query: TaskListQuery) async throws -> [TaskRecord]

    /// Deletes those of `ids` that are finished (SUCCESSFUL, FAILED or CANCELLED); returns the ids deleted.
    func deleteFinished(ids: [TaskResultID]) async throws -> [TaskResultID]

    /// Makes those of `ids` that are PENDING with a later `runAfter` ready at `now`; returns the ids changed.
    func runNow(ids: [TaskResultID], at now: Date) async throws -> [TaskResultID]

    /// Tasks finished per minute since `since` (minutes with none are left out), oldest first.
    func finishedPerMinute(since: Date) async throws -> [FinishedPerMinute]

    /// Per queue, the `runAfter` of the oldest PENDING task ready at `now`: how far behind the queue is.
    func oldestReady(at now: Date) async throws -> [String: Date]

    // MARK: schedules

    /// Claims one slot of a schedule and enqueues its task, in one transaction: the slot row (primary key
    /// schedule name + slot time) and the task are stored together, or neither is. Returns `nil`, enqueueing
    /// nothing, when the slot was already claimed, by this process or any other on any host.
    func enqueueScheduled(_ slot: ScheduleSlot, _ request: TaskRequest) async throws -> TaskRecord?

    /// Records what a supervisor runs (its summary and next slot), for `offload schedules`.
    func registerSchedule(_ registration: ScheduleRegistration) async throws

    /// Every schedule recorded, with its last claimed slot, that task's status, and the next slot.
    func scheduleStates() async throws -> [ScheduleState]

    // MARK: cancel

    /// Cancels tasks, each on its own terms, in one write: a PENDING (or delayed) task becomes CANCELLED at once
    /// and is never claimed; a RUNNING one is marked (when, by whom) and ends CANCELLED whatever its attempt's
    /// outcome, once its worker has stopped it (``cancelRequests(ofWorker:)``) or recovery has settled it;
    /// a finished task is left as it is. An id that names no task is reported as such, never thrown.
    func cancel(_ ids: [TaskResultID], by canceller: String, at now: Date) async throws -> [TaskCancellation]

    /// The tasks RUNNING for `workerID` that someone asked to cancel: what a busy worker polls for, once a
    /// heartbeat interval or so, never once per task.
    func cancelRequests(ofWorker workerID: String) async throws -> Set<TaskResultID>

    // MARK: queue control

    /// Stops every worker on every host from claiming tasks of `queue`; enqueueing still works.
    /// Returns `false` when the queue was already paused (the first pause's time and author stay).
    func pauseQueue(_ queue: String, by pausedBy: String, at now: Date) async throws -> Bool

    /// Lets workers claim from `queue` again and wakes idle ones; returns `false` when it was not paused.
    func resumeQueue(_ queue: String) async throws -> Bool

    /// The paused queues, by name.
    func pausedQueues() async throws -> [PausedQueue]

    /// Only the paused queues' names, as cheaply as the store can read them: a worker asks before each turn
    /// that starts prefetched tasks, which during a drain is every task.
    func pausedQueueNames() async throws -> Set<String>

    // MARK: metrics

    /// Every counter and histogram bucket of the metrics (docs/metrics.md): derived from the rows held, plus what
    /// deleted rows, admin retries and the supervisor's events added to the counters table. Never decreases.
    func metricsRows() async throws -> [TaskMetricsRow]

    /// Ready, delayed and running tasks per queue at `now`, for the gauges.
    func queueGauges(at now: Date) async throws -> [QueueGauges]

    /// Adds events (a supervisor's spawns, crashes…) to the counters table, keyed by event name (`supervisor:EVENT`).
    func addEventCounts(_ counts: [String: Int]) async throws

    // MARK: muted wake-ups

    /// Turns this store's ``wakeUps()`` sources off (`true`) or back on (`false`).
    ///
    /// A worker whose every slot is busy is not listening, and on SQLite each of its own commits would still
    /// raise inotify events for it to read and drop (about a tenth of a draining worker's CPU). It mutes
    /// them while busy and unmutes them before it waits, then looks for work once, so a commit made while
    /// muted is found by that look. Stores whose wake-ups cost nothing while unheard keep the default, which
    /// does nothing.
    func setWakeUpsMuted(_ muted: Bool)

    // MARK: console counts and pages

    /// Per queue: ready, delayed and running tasks, the oldest ready one's time, and the tasks finished at or
    /// after `finishedSince` — or, when more than `finishedLimit` succeeded or failed since then, after the
    /// finish time of the `finishedLimit`-th most recent one (the answer says which). Only index searches:
    /// never a count over every finished row, nor over more than about `finishedLimit` of them.
    func recentCounts(finishedSince: Date, finishedLimit: Int, at now: Date) async throws -> RecentCounts

    /// A page of the console's task list, newest first: an index search when only live statuses are asked for,
    /// otherwise a walk down the primary key from the cursor that examines at most `query.clampedExamineLimit` rows.
    func taskPage(matching query: TaskListQuery) async throws -> TaskListPage
}

extension TaskStore {
    public var claimsOnWakeUp: Bool { false }
    public func setWakeUpsMuted(_ muted: Bool) {}
    public func pausedQueueNames() async throws -> Set<String> { Set(try await pausedQueues().map(\.queueName)) }
}

/// What a worker asks for when claiming.
public struct ClaimRequest: Sendable, Equatable {
    public var workerID: String
    public var queues: QueueSelection
    public var limit: Int
    public var now: Date
    /// How many of the claimed tasks, the first in claim order, the worker starts as soon as the claim
    /// returns; `nil` for all. The store marks the others as prefetched (not started), so that when the
    /// worker vanishes unseen, recovery puts them back uncounted (see ``TaskStore/recoverTasks(of:at:)``).
    public var startingAtOnce: Int?

    public init(workerID: String, queues: QueueSelection, limit: Int, now: Date = Date(), startingAtOnce: Int? = nil) {
        self.workerID = workerID
        self.queues = queues
        self.limit = limit
        self.now = now
        self.startingAtOnce = startingAtOnce
    }

    /// How many claimed tasks are marked started: `startingAtOnce`, within `0...limit`.
    public var startedLimit: Int { min(max(startingAtOnce ?? limit, 0), limit) }
}

/// A task a worker has claimed: enough to run it and to decide on a retry.
public struct ClaimedTask: Sendable, Equatable {
    public var id: TaskResultID
    public var taskName: String
    public var queueName: String
    public var priority: Int
    public var arguments: String
    /// This attempt's number (1-based).
    public var attempt: Int
    public var retry: RetryPolicy
    public var timeout: Duration?
    public var runAfter: Date
    /// The trace context stored at enqueue (``TaskRequest/traceContext``), for the attempt's span.
    public var traceContext: String? = nil

    public init(id: TaskResultID, taskName: String, queueName: String, priority: Int, arguments: String, attempt: Int, retry: RetryPolicy, timeout: Duration?, runAfter: Date, traceContext: String? = nil) {
        self.id = id
        self.taskName = taskName
        self.queueName = queueName
        self.priority = priority
        self.arguments = arguments
        self.attempt = attempt
        self.retry = retry
        self.timeout = timeout
        self.runAfter = runAfter
        self.traceContext = traceContext
    }
}

/// How one attempt ended.
public struct TaskOutcome: Sendable, Equatable {
    public enum Result: Sendable, Equatable {
        /// The task returned; the JSON text of its return value.
        case succeeded(returnValue: String)
        /// The attempt failed; `retryAt` is when to try again, or `nil` to mark the task FAILED.
        case failed(TaskAttemptError, retryAt: Date?)
        /// The task snoozed (``TaskSnooze``): back to PENDING, due at `until`, its attempt given back, no error recorded.
        case snoozed(until: Date)
    }

    public var id: TaskResultID
    public var workerID: String
    public var result: Result
    public var finishedAt: Date

    public init(id: TaskResultID, workerID: String, result: Result, finishedAt: Date = Date()) {
        self.id = id
        self.workerID = workerID
        self.result = result
        self.finishedAt = finishedAt
    }
}

/// Why a worker's tasks must be recovered, in words that end up in each task's errors.
public struct WorkerLoss: Sendable, Equatable {
    public var workerID: String
    /// `TaskFailureKind.workerDied`, `.timedOut`, `.workerLost`…
    public var exceptionType: String
    public var message: String
    /// For a crash, the last lines the worker wrote to stderr (a Swift crash prints its backtrace there).
    public var traceback: String?
    /// The tasks the worker had started, when known; claimed tasks outside it were never started.
    public var startedTaskIDs: Set<TaskResultID>?
    /// A more precise reason for some tasks, such as the one whose time limit got the worker killed.
    public var taskReasons: [TaskResultID: Reason]

    /// What a task's error says instead of the worker-wide reason.
    public struct Reason: Sendable, Equatable {
        public var exceptionType: String
        public var message: String
        public init(exceptionType: String, message: String) {
            self.exceptionType = exceptionType
            self.message = message
        }
    }

    public init(workerID: String, exceptionType: String, message: String, traceback: String? = nil, startedTaskIDs: Set<TaskResultID>? = nil, taskReasons: [TaskResultID: Reason] = [:]) {
        self.workerID = workerID
        self.exceptionType = exceptionType
        self.message = message
        self.traceback = traceback
        self.startedTaskIDs = startedTaskIDs
        self.taskReasons = taskReasons
    }
}

/// A task settled by recovery, and where it went.
public struct RecoveredTask: Sendable, Equatable {
    public var id: TaskResultID
    public var taskName: String
    public var newStatus: TaskStatus
    /// Whether the attempt was counted (the worker had started it).
    public var attemptCounted: Bool

    public init(id: TaskResultID, taskName: String, newStatus: TaskStatus, attemptCounted: Bool) {
        self.id = id
        self.taskName = taskName
        self.newStatus = newStatus
        self.attemptCounted = attemptCounted
    }
}

/// A worker as the registry of workers knows it.
public struct WorkerRecord: Sendable, Equatable, Codable {
    public var id: String
    public var host: String
    public var pid: Int32
    public var queues: String
    /// `starting`, `running`, `draining`
    public var state: String
    public var currentTaskIDs: [TaskResultID]
    public var tasksDone: Int
    public var startedAt: Date
    public var heartbeatAt: Date
    /// The supervisor that owns the worker, if any.
    public var supervisorID: String?

    public init(id: String, host: String, pid: Int32, queues: String, state: String, currentTaskIDs: [TaskResultID], tasksDone: Int, startedAt: Date, heartbeatAt: Date, supervisorID: String?) {
        self.id = id
        self.host = host
        self.pid = pid
        self.queues = queues
        self.state = state
        self.currentTaskIDs = currentTaskIDs
        self.tasksDone = tasksDone
        self.startedAt = startedAt
        self.heartbeatAt = heartbeatAt
        self.supervisorID = supervisorID
    }
}

/// Which finished results to delete (the spec's `prune_db_task_results`).
public struct PruneRequest: Sendable, Equatable {
    /// Results finished before `now - age` are deleted.
    public var age: Duration
    /// Only these statuses; must be finished ones.
    public var statuses: Set<TaskStatus>
    public var dryRun: Bool
    public var now: Date
    /// Rows per delete transaction: small enough that other writers wait at most a few milliseconds.
    public var chunkSize: Int

    public init(age: Duration, statuses: Set<TaskStatus> = [.successful, .failed, .cancelled], dryRun: Bool = false, now: Date = Date(), chunkSize: Int = 500) {
        self.age = age
        self.statuses = statuses
        self.dryRun = dryRun
        self.now = now
        self.chunkSize = chunkSize
    }
}

/// A filter for listing tasks.
public struct TaskFilter: Sendable, Equatable {
    /// Only the task with this id (what `offload show` reads, marking what it cannot).
    public var id: TaskResultID?
    public var status: TaskStatus?
    public var queueName: String?
    public var taskName: String?
    public var limit: Int

    public init(id: TaskResultID? = nil, status: TaskStatus? = nil, queueName: String? = nil, taskName: String? = nil, limit: Int = 50) {
        self.id = id
        self.status = status
        self.queueName = queueName
        self.taskName = taskName
        self.limit = limit
    }
}

/// The number of tasks in each status for one queue.
public struct QueueCounts: Sendable, Equatable, Codable {
    public var queueName: String
    public var pending: Int
    public var running: Int
    public var successful: Int
    public var failed: Int
    public var cancelled: Int = 0

    public init(queueName: String, pending: Int = 0, running: Int = 0, successful: Int = 0, failed: Int = 0, cancelled: Int = 0) {
        self.queueName = queueName
        self.pending = pending
        self.running = running
        self.successful = successful
        self.failed = failed
        self.cancelled = cancelled
    }
}

extension QueueCounts {
    /// Folds `(queue, status, count)` rows, as a `GROUP BY queue_name, status` returns them, into one
    /// entry per queue sorted by name; rows with an unknown status are skipped.
    public static func tally(_ rows: [(queue: String, status: String, count: Int)]) -> [QueueCounts] {
        var byQueue: [String: QueueCounts] = [:]
        for row in rows {
            var counts = byQueue[row.queue] ?? QueueCounts(queueName: row.queue)
            switch TaskStatus(rawValue: row.status) {
            case .pending: counts.pending = row.count
            case .running: counts.running = row.count
            case .successful: counts.successful = row.count
            case .failed: counts.failed = row.count
            case .cancelled: counts.cancelled = row.count
            case nil: break
            }
            byQueue[row.queue] = counts
        }
        return byQueue.values.sorted { $0.queueName < $1.queueName }
    }
}
