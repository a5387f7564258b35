import Foundation
import Logging
import Offload
import PostgresNIO

extension PostgresTaskStore {
    /// The worker's hot path. Successes and the claim go in one statement (its own transaction, one
    /// round trip); failures, rarer, need a transaction of a few statements since a retry must notify.
    public func complete(_ outcomes: [TaskOutcome], thenClaim claim: ClaimRequest?) async throws -> [ClaimedTask] {
        let claim = claim.flatMap { $0.limit > 0 ? $0 : nil }
        guard !outcomes.isEmpty || claim != nil else { return [] }
        let successes = outcomes.compactMap { outcome -> (outcome: TaskOutcome, returnValue: String)? in
            guard case .succeeded(let returnValue) = outcome.result else { return nil }
            return (outcome, returnValue)
        }
        let failures = outcomes.filter { if case .succeeded = $0.result { false } else { true } }
        let claimed = try await recordOutcomesAndClaim(successes: successes, failures: failures, claim: claim)
        // Limited tasks, left alone by that claim, fill free slots it left (see `claimLimited`).
        guard let claim, claimed.count < claim.startedLimit else { return claimed }
        return claimed + (try await claimLimited(claim, limit: claim.startedLimit - claimed.count))
    }

    private func recordOutcomesAndClaim(successes: [(outcome: TaskOutcome, returnValue: String)], failures: [TaskOutcome], claim: ClaimRequest?) async throws -> [ClaimedTask] {
        if failures.isEmpty {
            return try await withConnection { [self] connection in
                try await recordSuccessesAndClaim(successes, claim: claim, on: connection)
            }
        }
        return try await inTransaction { [self] connection in
            var requeued = false
            for failure in failures {
                requeued = try await recordFailure(failure, on: connection) || requeued
            }
            if requeued {
                try await notify(on: connection)
            }
            return try await recordSuccessesAndClaim(successes, claim: claim, on: connection)
        }
    }

    /// A failed attempt; returns whether the task went back to PENDING (a retry), which idle workers must hear about.
    private func recordFailure(_ outcome: TaskOutcome, on connection: PostgresConnection) async throws -> Bool {
        if case .snoozed(let until) = outcome.result { return try await recordSnooze(until: until, of: outcome, on: connection) }
        guard case .failed(let error, let retryAt) = outcome.result else { return false }
        // `status = 'RUNNING' AND worker_id = …` makes a late report from a worker whose tasks
        // were already recovered a no-op instead of overwriting the recovered state.
        let guardClause = "WHERE id = $3 AND status = 'RUNNING' AND worker_id = $4"
        let errorJSON = try TaskJSON.encode(error)
        if let retryAt {
            let rows = try await connection.query(PostgresQuery(unsafeSQL: """
                UPDATE \(names.task) SET status = \(Self.unlessCancelled("'PENDING'")), run_after = $1, errors = \(Self.appendingError("$2")),
                    finished_at = \(Self.unlessCancelled("finished_at", else: "$5::timestamptz")) \(guardClause)
                RETURNING id
                """, binds: bindings(retryAt, errorJSON, outcome.id.rawValue, outcome.workerID, outcome.finishedAt)), logger: logger).collect()
            return !rows.isEmpty
        }
        try await connection.perform(PostgresQuery(unsafeSQL: """
            UPDATE \(names.task) SET status = \(Self.unlessCancelled("'FAILED'")), finished_at = $1, errors = \(Self.appendingError("$2")) \(guardClause)
            """, binds: bindings(outcome.finishedAt, errorJSON, outcome.id.rawValue, outcome.workerID)), logger: logger)
        return false
    }

    /// `errors` with the error in `parameter` appended, or, when the column holds something other than an
    /// array (a hand edit), an array of that error alone: recording an outcome never fails on garbage.
    static func appendingError(_ parameter: String) -> String {
        "CASE WHEN jsonb_typeof(errors) = 'array' THEN errors || jsonb_build_array(\(parameter)::jsonb) ELSE jsonb_build_array(\(parameter)::jsonb) END"
    }

    /// Tells listening workers that tasks may be ready; delivered when the transaction commits.
    /// The payload is empty: any role of the database may LISTEN, so it must not name queues.
    func notify(on connection: PostgresConnection) async throws {
        try await connection.perform("SELECT pg_notify(\(names.channel), '')::text", logger: logger)
    }

    /// Successes, as one `UPDATE … FROM unnest(…)`, then the claim, in one statement.
    ///
    /// The claim picks rows with `FOR UPDATE SKIP LOCKED`: rows another transaction holds are passed
    /// over, so concurrent claimers never get the same task and never wait for one another. Both parts
    /// of the statement see the same snapshot; they cannot touch the same row (one updates RUNNING
    /// rows, the other PENDING ones), and PostgreSQL runs a data-modifying WITH to completion even
    /// when nothing reads its result.
    private func recordSuccessesAndClaim(_ successes: [(outcome: TaskOutcome, returnValue: String)], claim: ClaimRequest?, on connection: PostgresConnection) async throws -> [ClaimedTask] {
        var binds = PostgresBindings()
        func parameter<Value: PostgresDynamicTypeEncodable>(_ value: Value) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        var ctes: [String] = []
        if !successes.isEmpty {
            // `status = 'RUNNING' AND worker_id = …`: a late report of a recovered task changes nothing.
            // `task.id = ANY(ids)` repeats the join on purpose: it gives the planner the primary key to look
            // the rows up by. Without it, a table without statistics was joined by scanning the RUNNING index,
            // whose entries for every task finished since the last vacuum each cost a heap visit.
            let ids = parameter(successes.map(\.outcome.id.rawValue))
            ctes.append("""
                finished AS (
                    UPDATE \(names.task) AS task
                    SET status = \(Self.unlessCancelled("'SUCCESSFUL'", table: "task")), return_value = reported.return_value, finished_at = reported.finished_at
                    FROM unnest(\(ids)::bigint[], \(parameter(successes.map(\.outcome.workerID)))::text[],
                                \(parameter(successes.map(\.returnValue)))::text[], \(parameter(successes.map(\.outcome.finishedAt)))::timestamptz[])
                         AS reported(id, worker_id, return_value, finished_at)
                    WHERE task.id = reported.id AND task.id = ANY(\(ids)::bigint[]) AND task.status = 'RUNNING' AND task.worker_id = reported.worker_id
                    RETURNING task.id)
                """)
        }
        guard let claim else {
            guard !successes.isEmpty else { return [] }
            try await connection.perform(PostgresQuery(unsafeSQL: "WITH \(ctes.joined(separator: ", ")) SELECT count(*) FROM finished", binds: binds), logger: logger)
            return []
        }
        let worker = parameter(claim.workerID)
        let now = parameter(claim.now)
        let limit = parameter(claim.limit)
        let startedLimit = parameter(claim.startedLimit)
        var queueFilter = ""
        if case .named(let queues) = claim.queues {
            // One queue, a supervised worker's case, as a plain equality: the planner then walks the
            // per-queue ready index in claim order and stops at the limit. With `= ANY`, a table without
            // statistics yet (a fresh deployment's first burst) got a plan that sorted every pending
            // row on each claim: 10 ms a claim with 20,000 pending, against 0.4 ms.
            queueFilter = queues.count == 1
                ? "AND queue_name = \(parameter(queues[0]))"
                : "AND queue_name = ANY(\(parameter(queues))::text[])"
        }
        // The first `startedLimit` in claim order start at once; the rest are marked prefetched. The rank is
        // taken in a second step: PostgreSQL allows no window function beside FOR UPDATE.
        ctes.append("""
            picked AS (
                SELECT id, priority, run_after FROM \(names.task)
                WHERE status = 'PENDING' AND (run_after <= \(now) OR run_after = 'infinity') \(queueFilter)
                      AND concurrency_key IS NULL AND \(notPaused)
                ORDER BY priority DESC, run_after, id
                LIMIT \(limit)
                FOR UPDATE SKIP LOCKED),
            ranked AS (
                SELECT id, row_number() OVER (ORDER BY priority DESC, run_after, id) AS rank FROM picked)
            """)
        let rows = try await connection.query(PostgresQuery(unsafeSQL: """
            WITH \(ctes.joined(separator: ",\n"))
            UPDATE \(names.task) AS task
            SET status = 'RUNNING', worker_id = \(worker), last_attempted_at = \(now),
                attempts = CASE WHEN task.attempts < 2147483647 THEN task.attempts + 1 ELSE task.attempts END,
                started_at = COALESCE(task.started_at, \(now)), worker_ids = array_append(task.worker_ids, \(worker)::text),
                attempt_started = ranked.rank <= \(startedLimit)
            FROM ranked WHERE task.id = ranked.id
            RETURNING task.id, task.task_name, task.queue_name, task.priority, task.arguments, task.attempts, task.max_attempts,
                      task.backoff_initial_ms, task.backoff_max_ms, task.backoff_jitter, task.timeout_ms, task.run_after,
                      jsonb_typeof(task.errors) = 'array', array_position(task.worker_ids, NULL) IS NULL,
                      task.trace_context
            """, binds: binds), logger: logger).collect()
        return try await claimedRows(rows, claim: claim, on: connection)
    }

    /// Claimed rows as tasks to run, in claim order; rows holding garbage (or a problem `extraProblem` finds)
    /// are failed on their own.
    func claimedRows(_ rows: [PostgresRow], claim: ClaimRequest, on connection: PostgresConnection,
                     extraProblem: (PostgresRandomAccessRow) throws -> StoredValueProblem? = { _ in nil }) async throws -> [ClaimedTask] {
        var claimed: [ClaimedTask] = []
        claimed.reserveCapacity(rows.count)
        var poisoned: [(id: Int64, attempt: Int, problem: StoredValueProblem)] = []
        for row in rows {
            let columns = row.makeRandomAccess()
            let id: Int64
            let attempt: Int
            do {
                id = try columns[0].decode(Int64.self)
                attempt = try columns[5].decode(Int.self)
            } catch {
                throw OffloadError(.invalidStoredRow, "A claimed task has a column of an unexpected type: \(String(reflecting: error)). Was the schema changed by hand?")
            }
            do {
                if let problem = try extraProblem(columns) { throw problem }
                claimed.append(try Self.claimedTask(id: id, attempt: attempt, columns))
            } catch let problem as StoredValueProblem {
                poisoned.append((id, attempt, problem))
            } catch {
                throw OffloadError(.invalidStoredRow, "A claimed task has a column of an unexpected type: \(String(reflecting: error)). Was the schema changed by hand?")
            }
        }
        for bad in poisoned {
            try await failPoisoned(id: bad.id, attempt: bad.attempt, problem: bad.problem, workerID: claim.workerID, now: claim.now, on: connection)
        }
        // RETURNING gives rows in no promised order; run them in the order they were chosen.
        claimed.sort { ($0.priority, $1.runAfter, $1.id) > ($1.priority, $0.runAfter, $0.id) }
        return claimed
    }

    /// A claimed row as a task to run; throws ``StoredValueProblem`` for the first column that holds a value
    /// Offload never writes (an absurd backoff, a run-after of `infinity`, errors that are not an array…).
    private static func claimedTask(id: Int64, attempt: Int, _ columns: PostgresRandomAccessRow) throws -> ClaimedTask {
        guard try columns[12].decode(Bool?.self) == true else {
            throw StoredValueProblem(column: "errors", reason: "does not hold a JSON array")
        }
        guard try columns[13].decode(Bool?.self) == true else {
            throw StoredValueProblem(column: "worker_ids", reason: "holds a NULL element")
        }
        let retry = try StoredTaskValues.retryPolicy(
            maxAttempts: try columns[6].decode(Int64.self),
            initialBackoffMilliseconds: try columns[7].decode(Int64.self),
            maximumBackoffMilliseconds: try columns[8].decode(Int64.self),
            jitter: try columns[9].decode(Double.self))
        let timeout = try columns[10].decode(Int64?.self).map { milliseconds throws(StoredValueProblem) in
            try StoredTaskValues.duration(milliseconds: milliseconds, column: "timeout_ms", positive: true)
        }
        return ClaimedTask(
            id: TaskResultID(id),
            taskName: try columns[1].decode(String.self),
            queueName: try columns[2].decode(String.self),
            priority: try columns[3].decode(Int.self),
            arguments: try columns[4].decode(String.self),
            attempt: try StoredTaskValues.attempt(Int64(attempt)),
            retry: retry,
            timeout: timeout,
            runAfter: try StoredTaskValues.time(try columns[11].decode(Date.self), column: "run_after"),
            traceContext: try? columns[14].decode(String?.self))
    }

    /// Fails a task the claim just took whose row holds garbage, with an error naming the column. A
    /// run-after of ±infinity is reset to now, so the row can be shown, retried or pruned.
    private func failPoisoned(id: Int64, attempt: Int, problem: StoredValueProblem, workerID: String, now: Date, on connection: PostgresConnection) async throws {
        let error = StoredTaskValues.failure(of: TaskResultID(id), problem, attempt: attempt, workerID: workerID, at: now)
        try await connection.perform(PostgresQuery(unsafeSQL: """
            UPDATE \(names.task)
            SET status = 'FAILED', finished_at = $1, errors = \(Self.appendingError("$2")),
                run_after = CASE WHEN isfinite(run_after) THEN run_after ELSE $1 END,
                worker_ids = array_remove(worker_ids, NULL)
            WHERE id = $3 AND status = 'RUNNING' AND worker_id = $4
            """, binds: bindings(now, try TaskJSON.encode(error), id, workerID)), logger: logger)
    }

    public func hasReadyTask(in queues: QueueSelection, at now: Date) async throws -> Bool {
        try await withConnection { [self] connection in
            var binds = bindings(now)
            var queueFilter = ""
            if case .named(let queueNames) = queues {
                binds.append(queueNames)
                queueFilter = "AND queue_name = ANY($2)"
            }
            // A run-after of infinity is garbage the claim picks up and fails; a worker must see it as ready.
            let rows = try await connection.query(PostgresQuery(unsafeSQL: """
                SELECT EXISTS (SELECT 1 FROM \(names.task) WHERE status = 'PENDING' AND (run_after <= $1 OR run_after = 'infinity') \(queueFilter) AND \(notPaused) AND \(underLimit))
                """, binds: binds), logger: logger).collect()
            return try rows.first?.decode(Bool.self) ?? false
        }
    }

    public func nextRunAfter(in queues: QueueSelection) async throws -> Date? {
        try await withConnection { [self] connection in
            var binds = PostgresBindings()
            var queueFilter = ""
            if case .named(let queueNames) = queues {
                binds.append(queueNames)
                queueFilter = "AND queue_name = ANY($1)"
            }
            let rows = try await connection.query(PostgresQuery(unsafeSQL: """
                SELECT min(run_after) FROM \(names.task) WHERE status = 'PENDING' AND isfinite(run_after) \(queueFilter) AND \(notPaused) AND \(underLimit)
                """, binds: binds), logger: logger).collect()
            return try rows.first?.decode(Date?.self)
        }
    }
}
