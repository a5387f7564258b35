import Foundation
import GRDB
import Offload

extension SQLiteTaskStore {
    public func releaseUnstarted(_ ids: [TaskResultID], workerID: String) async throws {
        guard !ids.isEmpty else { return }
        // Tasks go back to PENDING: wake the other idle workers once they are visible.
        defer { CommitAnnouncement.announce(databaseAt: path) }
        try writeTransaction { db in
            for id in ids {
                try releaseUnstarted(id, workerID: workerID, db: db)
            }
        }
    }

    /// Undoes a claim: the attempt it counted and the worker it listed are taken back.
    private func releaseUnstarted(_ id: TaskResultID, workerID: String, db: Database) throws {
        let statement = try db.cachedStatement(sql: """
            UPDATE offload_task
            SET status = \(Self.unlessCancelled("'PENDING'")), finished_at = \(Self.unlessCancelled("finished_at", else: "cancel_requested_at")),
                attempts = attempts - 1,
                worker_ids = CASE WHEN \(isJSONArray("worker_ids")) THEN json_remove(worker_ids, '$[#-1]') ELSE worker_ids END,
                started_at = CASE WHEN attempts = 1 THEN NULL ELSE started_at END
            WHERE id = ? AND status = 'RUNNING' AND worker_id = ?
            """)
        try statement.execute(arguments: [id.rawValue, workerID])
    }

    public func recoverTasks(of loss: WorkerLoss, at now: Date) async throws -> [RecoveredTask] {
        defer { CommitAnnouncement.announce(databaseAt: path) }
        return try writeTransaction { db in try recover(loss, now: now, db: db) }
    }

    func recover(_ loss: WorkerLoss, now: Date, db: Database) throws -> [RecoveredTask] {
        let held = try Row.fetchAll(db, sql: """
            SELECT id, task_name, attempts, max_attempts, backoff_initial_ms, backoff_max_ms, backoff_jitter, attempt_started,
                cancel_requested_at IS NOT NULL
            FROM offload_task WHERE status = 'RUNNING' AND worker_id = ?
            """, arguments: [loss.workerID])
        var recovered: [RecoveredTask] = []
        for row in held {
            // Read without trapping: a damaged row fails its own task below, naming the column.
            var stored = StoredRow(row, columns: ["id", "task_name", "attempts", "max_attempts", "backoff_initial_ms", "backoff_max_ms", "backoff_jitter", "attempt_started"])
            let id = TaskResultID(stored.integer(0))
            let taskName = stored.text(1)
            let attempts = stored.int(2)
            // Without a witness, the claim's mark tells a prefetched task from one the worker started.
            let started = loss.startedTaskIDs.map { $0.contains(id) } ?? (stored.integer(7, or: 1) != 0)
            // Someone asked to cancel it: it ends CANCELLED, never retried (`releaseUnstarted` does so too).
            let cancelRequested = row[8] as Int64? == 1
            if !started {
                try releaseUnstarted(id, workerID: loss.workerID, db: db)
                recovered.append(RecoveredTask(id: id, taskName: taskName, newStatus: cancelRequested ? .cancelled : .pending, attemptCounted: false))
                continue
            }
            let policy: RetryPolicy?
            do {
                policy = try StoredTaskValues.retryPolicy(maxAttempts: stored.integer(3), initialBackoffMilliseconds: stored.integer(4), maximumBackoffMilliseconds: stored.integer(5), jitter: stored.real(6))
            } catch {
                stored.note(error)
                policy = nil
            }
            let reason = loss.taskReasons[id] ?? WorkerLoss.Reason(exceptionType: loss.exceptionType, message: loss.message)
            var error = TaskAttemptError(exceptionType: reason.exceptionType, message: reason.message, traceback: loss.traceback, attempt: attempts, workerID: loss.workerID, failedAt: now)
            if let problem = stored.problems.first {
                error = StoredTaskValues.failure(of: id, problem, attempt: attempts, workerID: loss.workerID, at: now)
            }
            let errorJSON = try TaskJSON.encode(error)
            if cancelRequested {
                try settleCancelled(id, error: errorJSON, now: now, db: db)
                recovered.append(RecoveredTask(id: id, taskName: taskName, newStatus: .cancelled, attemptCounted: true))
            } else if stored.problems.isEmpty, let policy, policy.allowsAnotherAttempt(after: attempts) {
                let retryAt = now.addingTimeInterval(policy.backoff(afterAttempt: attempts).seconds)
                try db.execute(sql: """
                    UPDATE offload_task SET status = 'PENDING', run_after = ?, errors = \(Self.appendingError)
                    WHERE id = ?
                    """, arguments: [DatabaseTime.micros(retryAt), errorJSON, errorJSON, id.rawValue])
                recovered.append(RecoveredTask(id: id, taskName: taskName, newStatus: .pending, attemptCounted: true))
            } else {
                try db.execute(sql: """
                    UPDATE offload_task SET status = 'FAILED', finished_at = ?, errors = \(Self.appendingError)
                    WHERE id = ?
                    """, arguments: [DatabaseTime.micros(now), errorJSON, errorJSON, id.rawValue])
                recovered.append(RecoveredTask(id: id, taskName: taskName, newStatus: .failed, attemptCounted: true))
            }
        }
        return recovered
    }

    public func heartbeat(_ worker: WorkerRecord) async throws {
        try writeTransaction { db in
            let statement = try db.cachedStatement(sql: """
                INSERT INTO offload_worker (id, host, pid, queues, state, current_task_ids, tasks_done, started_at, heartbeat_at, supervisor_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET state = excluded.state, current_task_ids = excluded.current_task_ids,
                    tasks_done = excluded.tasks_done, heartbeat_at = excluded.heartbeat_at
                """)
            try statement.execute(arguments: [
                worker.id, worker.host, worker.pid, worker.queues, worker.state,
                try TaskJSON.encode(worker.currentTaskIDs), worker.tasksDone,
                DatabaseTime.micros(worker.startedAt), DatabaseTime.micros(worker.heartbeatAt), worker.supervisorID,
            ])
        }
    }

    public func unregisterWorker(id: String) async throws {
        try writeTransaction { db in
            try db.execute(sql: "DELETE FROM offload_worker WHERE id = ?", arguments: [id])
        }
    }

    public func workers() async throws -> [WorkerRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT id, host, pid, queues, state, current_task_ids, tasks_done, started_at, heartbeat_at, supervisor_id FROM offload_worker ORDER BY heartbeat_at DESC")
                .map { row in
                    // Read without trapping: a damaged row gets placeholders (a heartbeat in 1970, so it is swept).
                    var stored = StoredRow(row, columns: ["id", "host", "pid", "queues", "state", "current_task_ids", "tasks_done", "started_at", "heartbeat_at", "supervisor_id"])
                    return WorkerRecord(
                        id: stored.text(0), host: stored.text(1), pid: Int32(exactly: stored.integer(2)) ?? 0, queues: stored.text(3), state: stored.text(4),
                        currentTaskIDs: stored.json([TaskResultID].self, 5, or: []),
                        tasksDone: stored.int(6), startedAt: stored.date(7), heartbeatAt: stored.date(8),
                        supervisorID: stored.optionalText(9))
                }
        }
    }

    public func recoverStaleWorkers(staleAfter: Duration, at now: Date, isAlive: @Sendable (WorkerRecord) -> Bool) async throws -> [RecoveredTask] {
        let registered = try await workers()
        let staleBefore = now.addingTimeInterval(-staleAfter.seconds)
        let gone = registered.filter { $0.heartbeatAt < staleBefore || !isAlive($0) }
        let goneIDs = Set(gone.map(\.id))
        let liveIDs = Set(registered.map(\.id)).subtracting(goneIDs)
        return try writeTransaction { db in
            var recovered: [RecoveredTask] = []
            for worker in gone {
                let loss = WorkerLoss(
                    workerID: worker.id, exceptionType: TaskFailureKind.workerLost,
                    message: "Worker \(worker.id) (pid \(worker.pid) on \(worker.host)) disappeared: its last heartbeat was at \(worker.heartbeatAt) and it is no longer running. The task was recovered.")
                recovered += try recover(loss, now: now, db: db)
                try db.execute(sql: "DELETE FROM offload_worker WHERE id = ?", arguments: [worker.id])
            }
            // Tasks whose worker never registered or was already removed: nobody else will settle them.
            let orphanWorkers = try String.fetchAll(db, sql: "SELECT DISTINCT worker_id FROM offload_task WHERE status = 'RUNNING' AND worker_id IS NOT NULL")
                .filter { !liveIDs.contains($0) && !goneIDs.contains($0) }
            for workerID in orphanWorkers {
                let loss = WorkerLoss(
                    workerID: workerID, exceptionType: TaskFailureKind.workerLost,
                    message: "Worker \(workerID) holds this task but is not registered as running. The task was recovered.")
                recovered += try recover(loss, now: now, db: db)
            }
            return recovered
        }
    }
}
