import Foundation
import Logging
import Offload
import PostgresNIO

extension PostgresTaskStore {
    /// The worker's hot path. Without outcomes the claim is one statement (its own transaction, one round
    /// trip); with outcomes, they and the claim share one transaction.
    public func complete(_ outcomes: [TaskOutcome], thenClaim claim: ClaimRequest?) async throws -> [ClaimedTask] {
        let claim = claim.flatMap { $0.limit > 0 ? $0 : nil }
        guard !outcomes.isEmpty || claim != nil else { return [] }
        if outcomes.isEmpty, let claim {
            return try await withConnection { connection in try await claimReady(claim, on: connection) }
        }
        return try await withTransaction { connection in
            var requeued = false
            for outcome in outcomes {
                requeued = try await record(outcome, on: connection) || requeued
            }
            if requeued {
                try await notify(on: connection)
            }
            guard let claim else { return [] }
            return try await claimReady(claim, on: connection)
        }
    }

    /// Returns whether the task went back to PENDING (a retry), which idle workers must hear about.
    private func record(_ outcome: TaskOutcome, on connection: PostgresConnection) async throws -> Bool {
        // `status = 'RUNNING' AND worker_id = …` makes a late report from a worker whose tasks
        // were already recovered a no-op instead of overwriting the recovered state.
        let guardClause = "WHERE id = $3 AND status = 'RUNNING' AND worker_id = $4"
        let id = outcome.id.rawValue
        switch outcome.result {
        case .succeeded(let returnValue):
            try await connection.perform(PostgresQuery(unsafeSQL: """
                UPDATE \(names.task) SET status = 'SUCCESSFUL', return_value = $1, finished_at = $2 \(guardClause)
                """, binds: bindings(returnValue, outcome.finishedAt, id, outcome.workerID)), logger: logger)
            return false
        case .failed(let error, let retryAt?):
            let rows = try await connection.query(PostgresQuery(unsafeSQL: """
                UPDATE \(names.task) SET status = 'PENDING', run_after = $1, errors = errors || jsonb_build_array($2::jsonb) \(guardClause)
                RETURNING id
                """, binds: bindings(retryAt, try TaskJSON.encode(error), id, outcome.workerID)), logger: logger).collect()
            return !rows.isEmpty
        case .failed(let error, nil):
            try await connection.perform(PostgresQuery(unsafeSQL: """
                UPDATE \(names.task) SET status = 'FAILED', finished_at = $1, errors = errors || jsonb_build_array($2::jsonb) \(guardClause)
                """, binds: bindings(outcome.finishedAt, try TaskJSON.encode(error), id, outcome.workerID)), logger: logger)
            return false
        }
    }

    /// Tells listening workers that tasks may be ready; delivered when the transaction commits.
    func notify(on connection: PostgresConnection, queue: String = "") async throws {
        try await connection.perform("SELECT pg_notify(\(names.channel), \(queue))::text", logger: logger)
    }

    /// `FOR UPDATE SKIP LOCKED` picks rows no other transaction holds, so concurrent claimers never
    /// get the same task and never wait for one another; the update runs in the same statement.
    private func claimReady(_ claim: ClaimRequest, on connection: PostgresConnection) async throws -> [ClaimedTask] {
        var binds = bindings(claim.workerID, claim.now, claim.limit)
        let queueFilter: String
        switch claim.queues {
        case .all:
            queueFilter = ""
        case .named(let queues):
            binds.append(queues)
            queueFilter = "AND queue_name = ANY($4)"
        }
        let rows = try await connection.query(PostgresQuery(unsafeSQL: """
            WITH picked AS (
                SELECT id FROM \(names.task)
                WHERE status = 'PENDING' AND run_after <= $2 \(queueFilter)
                ORDER BY priority DESC, run_after, id
                LIMIT $3
                FOR UPDATE SKIP LOCKED)
            UPDATE \(names.task) AS task
            SET status = 'RUNNING', worker_id = $1, attempts = task.attempts + 1, last_attempted_at = $2,
                started_at = COALESCE(task.started_at, $2), worker_ids = array_append(task.worker_ids, $1::text)
            FROM picked WHERE task.id = picked.id
            RETURNING task.id, task.task_name, task.queue_name, task.priority, task.arguments, task.attempts, task.max_attempts,
                      task.backoff_initial_ms, task.backoff_max_ms, task.backoff_jitter, task.timeout_ms, task.run_after
            """, binds: binds), logger: logger).collect()
        var claimed: [ClaimedTask] = []
        claimed.reserveCapacity(rows.count)
        for row in rows {
            let columns = row.makeRandomAccess()
            do {
                let timeoutMS = try columns[10].decode(Int64?.self)
                claimed.append(ClaimedTask(
                    id: TaskResultID(try columns[0].decode(Int64.self)),
                    taskName: try columns[1].decode(String.self),
                    queueName: try columns[2].decode(String.self),
                    priority: try columns[3].decode(Int.self),
                    arguments: try columns[4].decode(String.self),
                    attempt: try columns[5].decode(Int.self),
                    retry: RetryPolicy(
                        maxAttempts: try columns[6].decode(Int.self),
                        initialBackoff: .milliseconds(try columns[7].decode(Int64.self)),
                        maximumBackoff: .milliseconds(try columns[8].decode(Int64.self)),
                        jitter: try columns[9].decode(Double.self)),
                    timeout: timeoutMS.map { .milliseconds($0) },
                    runAfter: try columns[11].decode(Date.self)))
            } catch {
                throw OffloadError(.invalidStoredRow, "A claimed task has a column of an unexpected type: \(String(reflecting: error)). Was the schema changed by hand?")
            }
        }
        // RETURNING gives rows in no promised order; run them in the order they were chosen.
        claimed.sort { ($0.priority, $1.runAfter, $1.id) > ($1.priority, $0.runAfter, $0.id) }
        return claimed
    }

    public func hasReadyTask(in queues: QueueSelection, at now: Date) async throws -> Bool {
        try await withConnection { connection in
            var binds = bindings(now)
            var queueFilter = ""
            if case .named(let queueNames) = queues {
                binds.append(queueNames)
                queueFilter = "AND queue_name = ANY($2)"
            }
            let rows = try await connection.query(PostgresQuery(unsafeSQL: """
                SELECT EXISTS (SELECT 1 FROM \(names.task) WHERE status = 'PENDING' AND run_after <= $1 \(queueFilter))
                """, binds: binds), logger: logger).collect()
            return try rows.first?.decode(Bool.self) ?? false
        }
    }

    public func nextRunAfter(in queues: QueueSelection) async throws -> Date? {
        try await withConnection { connection in
            var binds = PostgresBindings()
            var queueFilter = ""
            if case .named(let queueNames) = queues {
                binds.append(queueNames)
                queueFilter = "AND queue_name = ANY($1)"
            }
            let rows = try await connection.query(PostgresQuery(unsafeSQL: """
                SELECT min(run_after) FROM \(names.task) WHERE status = 'PENDING' \(queueFilter)
                """, binds: binds), logger: logger).collect()
            return try rows.first?.decode(Date?.self)
        }
    }
}
