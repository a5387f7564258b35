import Foundation
import GRDB
import Offload

extension SQLiteTaskStore {
    public func complete(_ outcomes: [TaskOutcome], thenClaim claim: ClaimRequest?) async throws -> [ClaimedTask] {
        try completeAndClaim(outcomes, claim: claim)
    }

    /// The worker's hot path: one `BEGIN IMMEDIATE` transaction records every finished attempt
    /// and claims the next batch. Statements are cached: uncached SQL costs twice as much here.
    public func completeAndClaim(_ outcomes: [TaskOutcome], claim: ClaimRequest?) throws -> [ClaimedTask] {
        guard !outcomes.isEmpty || claim.map({ $0.limit > 0 }) == true else { return [] }
        return try writeTransaction { db in
            for outcome in outcomes {
                try record(outcome, db: db)
            }
            guard let claim, claim.limit > 0 else { return [] }
            // Tasks to start at once first, then the prefetched ones, each marked so; both statements pick
            // in the same order, so the marks match the order the worker starts them in.
            let startedLimit = claim.startedLimit
            // Limited tasks are claimed only to start at once, never prefetched: a prefetched one would hold
            // a slot of its key without running. The limit-aware statement runs only while one is ready.
            let limited = try hasLimitedReady(claim, db: db)
            var claimed = try claimReady(claim, limit: startedLimit, started: true, limited: limited, db: db)
            if claim.limit > startedLimit {
                claimed += try claimReady(claim, limit: claim.limit - startedLimit, started: false, limited: false, db: db)
            }
            return claimed
        }
    }

    private func record(_ outcome: TaskOutcome, db: Database) throws {
        let finishedAt = DatabaseTime.micros(outcome.finishedAt)
        // `status = 'RUNNING' AND worker_id = ?` makes a late report from a worker whose tasks
        // were already recovered a no-op instead of overwriting the recovered state.
        switch outcome.result {
        case .succeeded(let returnValue):
            let statement = try db.cachedStatement(sql: """
                UPDATE offload_task SET status = \(Self.unlessCancelled("'SUCCESSFUL'")), return_value = ?, finished_at = ?
                WHERE id = ? AND status = 'RUNNING' AND worker_id = ?
                """)
            try statement.execute(arguments: [returnValue, finishedAt, outcome.id.rawValue, outcome.workerID])
        case .failed(let error, let retryAt?):
            let statement = try db.cachedStatement(sql: """
                UPDATE offload_task SET status = \(Self.unlessCancelled("'PENDING'")), run_after = ?, errors = \(Self.appendingError),
                    finished_at = \(Self.unlessCancelled("finished_at", else: "?"))
                WHERE id = ? AND status = 'RUNNING' AND worker_id = ?
                """)
            let errorJSON = try TaskJSON.encode(error)
            try statement.execute(arguments: [DatabaseTime.micros(retryAt), errorJSON, errorJSON, finishedAt, outcome.id.rawValue, outcome.workerID])
        case .failed(let error, nil):
            let statement = try db.cachedStatement(sql: """
                UPDATE offload_task SET status = \(Self.unlessCancelled("'FAILED'")), finished_at = ?, errors = \(Self.appendingError)
                WHERE id = ? AND status = 'RUNNING' AND worker_id = ?
                """)
            let errorJSON = try TaskJSON.encode(error)
            try statement.execute(arguments: [finishedAt, errorJSON, errorJSON, outcome.id.rawValue, outcome.workerID])
        case .snoozed(let until):
            try recordSnooze(until: until, of: outcome, db: db)
        }
    }

    /// `errors` with one more error (two `?`, both the error's JSON): appended to the array, or, when the
    /// column holds garbage, an array of that error alone, so that recording an outcome never fails.
    static let appendingError = "CASE WHEN \(isJSONArray("errors")) THEN json_insert(errors, '$[#]', json(?)) ELSE json_array(json(?)) END"

    /// One `UPDATE … RETURNING`: no other connection can claim the same rows, since SQLite
    /// serialises writers and the subquery and update run in the same statement.
    ///
    /// A row holding garbage in a column the claim reads is failed on its own, in the same transaction, with
    /// an error naming the column: one bad row costs one task, never the queue. Rows whose `run_after` is not
    /// an integer are claimed too, or nobody would ever settle them.
    ///
    /// Paused queues are left out; with `limited`, tasks over their concurrency limit too (see
    /// ``limitedCandidates(queueFilter:)``), else every task with a limit.
    private func claimReady(_ claim: ClaimRequest, limit: Int, started: Bool, limited: Bool, db: Database) throws -> [ClaimedTask] {
        guard limit > 0 else { return [] }
        let now = DatabaseTime.micros(claim.now)
        let queueFilter: String
        var arguments: StatementArguments = [claim.workerID, now, now, claim.workerID, started, now]
        switch claim.queues {
        case .all:
            queueFilter = ""
        case .named(let names):
            queueFilter = "AND queue_name IN (\(Array(repeating: "?", count: names.count).joined(separator: ", ")))"
            arguments += StatementArguments(names)
        }
        arguments += [limit]
        let statement = try db.cachedStatement(sql: """
            UPDATE offload_task
            SET status = 'RUNNING', worker_id = ?, attempts = attempts + 1, last_attempted_at = ?,
                started_at = COALESCE(started_at, ?),
                worker_ids = CASE WHEN \(isJSONArray("worker_ids")) THEN json_insert(worker_ids, '$[#]', ?) ELSE worker_ids END,
                attempt_started = ?
            WHERE id IN (\(limited ? Self.limitedCandidates(queueFilter: queueFilter) : """
                SELECT id FROM offload_task
                WHERE status = 'PENDING' AND (run_after <= ? OR typeof(run_after) != 'integer') \(queueFilter)
                      AND concurrency_key IS NULL AND \(Self.notPaused)
                ORDER BY priority DESC, run_after, id
                """)
                LIMIT ?)
            RETURNING \(Self.claimedColumns.prefix(12).joined(separator: ", ")),
                      \(isJSONArray("worker_ids")), \(isJSONArray("errors")),
                      trace_context\(limited ? ", \(Self.concurrencyProblem)" : "")
            """)
        var claimed: [ClaimedTask] = []
        var poisoned: [PoisonedClaim] = []
        let rows = try Row.fetchCursor(statement, arguments: arguments)
        while let row = try rows.next() {
            switch Self.claimedTask(from: row) {
            case .success(let task) where limited:
                if let problem = String.fromDatabaseValue(row[15]) {
                    poisoned.append(PoisonedClaim(id: task.id.rawValue, attempt: task.attempt, problem: StoredValueProblem(column: "concurrency_limit", reason: problem)))
                } else {
                    claimed.append(task)
                }
            case .success(let task): claimed.append(task)
            case .failure(let bad): poisoned.append(bad)
            }
        }
        for bad in poisoned {
            try failPoisoned(bad, workerID: claim.workerID, now: claim.now, db: db)
        }
        // RETURNING gives rows in no promised order; run them in the order they were chosen.
        claimed.sort { ($0.priority, $1.runAfter, $1.id) > ($1.priority, $0.runAfter, $0.id) }
        return claimed
    }

    public func hasReadyTask(in queues: QueueSelection, at now: Date) async throws -> Bool {
        try read { db in
            switch queues {
            case .all:
                let statement = try db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM offload_task WHERE status = 'PENDING' AND (run_after <= ? OR typeof(run_after) != 'integer') AND \(Self.notPaused) AND \(Self.underLimit))")
                return try Bool.fetchOne(statement, arguments: [DatabaseTime.micros(now)]) ?? false
            case .named(let names):
                let placeholders = Array(repeating: "?", count: names.count).joined(separator: ", ")
                let statement = try db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM offload_task WHERE status = 'PENDING' AND (run_after <= ? OR typeof(run_after) != 'integer') AND queue_name IN (\(placeholders)) AND \(Self.notPaused) AND \(Self.underLimit))")
                return try Bool.fetchOne(statement, arguments: [DatabaseTime.micros(now)] + StatementArguments(names)) ?? false
            }
        }
    }

    /// A pending row whose `run_after` is not an integer sorts after every integer (or, as a real, may sort
    /// before them): the earliest is then "now", so that a worker claims the row and fails it instead of
    /// reading 1970 from garbage and spinning.
    public func nextRunAfter(in queues: QueueSelection) async throws -> Date? {
        try read { db in
            let earliest: DatabaseValue?
            switch queues {
            case .all:
                earliest = try DatabaseValue.fetchOne(db, sql: "SELECT MIN(run_after) FROM offload_task WHERE status = 'PENDING' AND \(Self.notPaused) AND \(Self.underLimit)")
            case .named(let names):
                let placeholders = Array(repeating: "?", count: names.count).joined(separator: ", ")
                earliest = try DatabaseValue.fetchOne(db, sql: "SELECT MIN(run_after) FROM offload_task WHERE status = 'PENDING' AND queue_name IN (\(placeholders)) AND \(Self.notPaused) AND \(Self.underLimit)", arguments: StatementArguments(names))
            }
            switch earliest?.storage {
            case nil, .null: return nil
            case .int64(let micros): return DatabaseTime.date(micros)
            default: return Date()
            }
        }
    }
}
