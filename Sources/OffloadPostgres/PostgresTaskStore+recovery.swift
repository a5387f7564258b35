import Foundation
import Logging
import Offload
import PostgresNIO

extension PostgresTaskStore {
    public func releaseUnstarted(_ ids: [TaskResultID], workerID: String) async throws {
        guard !ids.isEmpty else { return }
        try await inTransaction { [self] connection in
            var released = false
            for id in ids {
                released = try await releaseUnstarted(id, workerID: workerID, on: connection) || released
            }
            if released { try await notify(on: connection) }
        }
    }

    /// Undoes a claim: the attempt it counted and the worker it listed are taken back.
    private func releaseUnstarted(_ id: TaskResultID, workerID: String, on connection: PostgresConnection) async throws -> Bool {
        let rows = try await connection.query(PostgresQuery(unsafeSQL: """
            UPDATE \(names.task)
            SET status = \(Self.unlessCancelled("'PENDING'")), finished_at = \(Self.unlessCancelled("finished_at", else: "cancel_requested_at")),
                attempts = attempts - 1, worker_ids = worker_ids[1:cardinality(worker_ids) - 1],
                started_at = CASE WHEN attempts = 1 THEN NULL ELSE started_at END
            WHERE id = $1 AND status = 'RUNNING' AND worker_id = $2
            RETURNING id
            """, binds: bindings(id.rawValue, workerID)), logger: logger).collect()
        return !rows.isEmpty
    }

    public func recoverTasks(of loss: WorkerLoss, at now: Date) async throws -> [RecoveredTask] {
        try await inTransaction { [self] connection in
            let recovered = try await recover(loss, now: now, on: connection)
            if recovered.contains(where: { $0.newStatus == .pending }) { try await notify(on: connection) }
            return recovered
        }
    }

    /// Settles the worker's RUNNING tasks. `FOR UPDATE` locks them first, so a report the worker sends
    /// meanwhile waits for this transaction and then finds the task no longer RUNNING for it.
    func recover(_ loss: WorkerLoss, now: Date, on connection: PostgresConnection) async throws -> [RecoveredTask] {
        let held = try await connection.query(PostgresQuery(unsafeSQL: """
            SELECT id, task_name, attempts, max_attempts, backoff_initial_ms, backoff_max_ms, backoff_jitter, attempt_started,
                cancel_requested_at IS NOT NULL
            FROM \(names.task) WHERE status = 'RUNNING' AND worker_id = $1
            ORDER BY id FOR UPDATE
            """, binds: bindings(loss.workerID)), logger: logger).collect()
        var recovered: [RecoveredTask] = []
        for row in held {
            let (rawID, taskName, attempts, maxAttempts, initialMS, maximumMS, jitter, marked, cancelRequested) = try row.decode((Int64, String, Int, Int, Int64, Int64, Double, Bool, Bool).self)
            let id = TaskResultID(rawID)
            // Without a witness, the claim's mark tells a prefetched task from one the worker started.
            let started = loss.startedTaskIDs.map { $0.contains(id) } ?? marked
            if !started {
                // Someone asked to cancel it: `releaseUnstarted` ends it CANCELLED instead of PENDING.
                _ = try await releaseUnstarted(id, workerID: loss.workerID, on: connection)
                recovered.append(RecoveredTask(id: id, taskName: taskName, newStatus: cancelRequested ? .cancelled : .pending, attemptCounted: false))
                continue
            }
            let reason = loss.taskReasons[id] ?? WorkerLoss.Reason(exceptionType: loss.exceptionType, message: loss.message)
            var attemptError = TaskAttemptError(exceptionType: reason.exceptionType, message: reason.message, traceback: loss.traceback, attempt: attempts, workerID: loss.workerID, failedAt: now)
            // A policy out of Offload's bounds (a hand edit) fails its task naming the column instead of retrying it.
            let policy: RetryPolicy?
            do {
                policy = try StoredTaskValues.retryPolicy(maxAttempts: Int64(maxAttempts), initialBackoffMilliseconds: initialMS, maximumBackoffMilliseconds: maximumMS, jitter: jitter)
            } catch {
                policy = nil
                attemptError = StoredTaskValues.failure(of: id, error, attempt: attempts, workerID: loss.workerID, at: now)
            }
            let errorJSON = try TaskJSON.encode(attemptError)
            if cancelRequested {
                try await settleCancelled(rawID, error: errorJSON, now: now, on: connection)
                recovered.append(RecoveredTask(id: id, taskName: taskName, newStatus: .cancelled, attemptCounted: true))
            } else if let policy, policy.allowsAnotherAttempt(after: attempts) {
                let retryAt = now.addingTimeInterval(policy.backoff(afterAttempt: attempts).seconds)
                try await connection.perform(PostgresQuery(unsafeSQL: """
                    UPDATE \(names.task) SET status = 'PENDING', run_after = $1, errors = \(Self.appendingError("$2"))
                    WHERE id = $3
                    """, binds: bindings(retryAt, errorJSON, rawID)), logger: logger)
                recovered.append(RecoveredTask(id: id, taskName: taskName, newStatus: .pending, attemptCounted: true))
            } else {
                try await connection.perform(PostgresQuery(unsafeSQL: """
                    UPDATE \(names.task) SET status = 'FAILED', finished_at = $1, errors = \(Self.appendingError("$2"))
                    WHERE id = $3
                    """, binds: bindings(now, errorJSON, rawID)), logger: logger)
                recovered.append(RecoveredTask(id: id, taskName: taskName, newStatus: .failed, attemptCounted: true))
            }
        }
        return recovered
    }

    public func heartbeat(_ worker: WorkerRecord) async throws {
        var binds = bindings(worker.id, worker.host, worker.pid, worker.queues, worker.state)
        binds.append(worker.currentTaskIDs.map(\.rawValue))
        binds.append(worker.tasksDone)
        binds.append(worker.startedAt)
        binds.append(worker.heartbeatAt)
        binds.append(worker.supervisorID)
        let query = PostgresQuery(unsafeSQL: """
            INSERT INTO \(names.worker) (id, host, pid, queues, state, current_task_ids, tasks_done, started_at, heartbeat_at, supervisor_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            ON CONFLICT (id) DO UPDATE SET state = excluded.state, current_task_ids = excluded.current_task_ids,
                tasks_done = excluded.tasks_done, heartbeat_at = excluded.heartbeat_at
            """, binds: binds)
        try await withConnection { [self] connection in
            try await connection.perform(query, logger: logger)
        }
    }

    public func unregisterWorker(id: String) async throws {
        try await withConnection { [self] connection in
            try await connection.perform(PostgresQuery(unsafeSQL: "DELETE FROM \(names.worker) WHERE id = $1", binds: bindings(id)), logger: logger)
        }
    }

    public func workers() async throws -> [WorkerRecord] {
        try await withConnection { [self] connection in
            try await fetchWorkers(on: connection, condition: "ORDER BY heartbeat_at DESC, id", binds: PostgresBindings())
        }
    }

    static let workerSelection = "id, host, pid, queues, state, current_task_ids, tasks_done, started_at, heartbeat_at, supervisor_id"

    private func fetchWorkers(on connection: PostgresConnection, condition: String, binds: PostgresBindings) async throws -> [WorkerRecord] {
        let rows = try await connection.query(PostgresQuery(unsafeSQL: "SELECT \(Self.workerSelection) FROM \(names.worker) \(condition)", binds: binds), logger: logger).collect()
        return try rows.map { row in
            let (id, host, pid, queues, state, current, done, startedAt, heartbeatAt, supervisorID) =
                try row.decode((String, String, Int32, String, String, [Int64], Int, Date, Date, String?).self)
            return WorkerRecord(
                id: id, host: host, pid: pid, queues: queues, state: state, currentTaskIDs: current.map(TaskResultID.init(rawValue:)),
                tasksDone: done, startedAt: startedAt, heartbeatAt: heartbeatAt, supervisorID: supervisorID)
        }
    }

    /// One transaction for the whole sweep, safe with supervisors on several hosts sweeping at once.
    ///
    /// `isAlive` is asked before the transaction (a process found dead stays dead). Workers judged gone
    /// are then locked and their heartbeat judged again on the locked rows, so a heartbeat that landed
    /// meanwhile saves its worker; a second sweeper waits on the same locks and then finds them deleted.
    /// Orphans (tasks RUNNING for a worker absent from the registry) are found by one statement joined
    /// with the registry, so a worker that registered and claimed after the sweep began is never taken
    /// for one: a worker registers before its first claim.
    public func recoverStaleWorkers(staleAfter: Duration, at now: Date, isAlive: @Sendable (WorkerRecord) -> Bool) async throws -> [RecoveredTask] {
        let staleBefore = now.addingTimeInterval(-staleAfter.seconds)
        let registered = try await workers()
        let dead = Set(registered.filter { !isAlive($0) }.map(\.id))
        let candidates = registered.filter { $0.heartbeatAt < staleBefore || dead.contains($0.id) }.map(\.id)
        return try await inTransaction { [self] connection in
            var recovered: [RecoveredTask] = []
            if !candidates.isEmpty {
                let locked = try await self.fetchWorkers(on: connection, condition: "WHERE id = ANY($1) ORDER BY id FOR UPDATE", binds: bindings(candidates))
                for worker in locked where worker.heartbeatAt < staleBefore || dead.contains(worker.id) {
                    let loss = WorkerLoss(
                        workerID: worker.id, exceptionType: TaskFailureKind.workerLost,
                        message: "Worker \(worker.id) (pid \(worker.pid) on \(worker.host)) disappeared: its last heartbeat was at \(worker.heartbeatAt) and it is no longer running. The task was recovered.")
                    recovered += try await self.recover(loss, now: now, on: connection)
                    try await connection.perform(PostgresQuery(unsafeSQL: "DELETE FROM \(self.names.worker) WHERE id = $1", binds: bindings(worker.id)), logger: self.logger)
                }
            }
            // Tasks whose worker never registered or was already removed: nobody else will settle them.
            let orphanRows = try await connection.query(PostgresQuery(unsafeSQL: """
                SELECT DISTINCT task.worker_id FROM \(self.names.task) AS task
                WHERE task.status = 'RUNNING' AND task.worker_id IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM \(self.names.worker) AS worker WHERE worker.id = task.worker_id)
                ORDER BY task.worker_id
                """), logger: self.logger).collect()
            for row in orphanRows {
                let workerID = try row.decode(String.self)
                let loss = WorkerLoss(
                    workerID: workerID, exceptionType: TaskFailureKind.workerLost,
                    message: "Worker \(workerID) holds this task but is not registered as running. The task was recovered.")
                recovered += try await self.recover(loss, now: now, on: connection)
            }
            if recovered.contains(where: { $0.newStatus == .pending }) { try await self.notify(on: connection) }
            return recovered
        }
    }
}
