import Foundation
import Logging
import Offload

/// Store calls the loop starts but never waits for.
///
/// The loop must keep turning while the database is slow or gone (PostgreSQL restarting, a network
/// partition, a SQLite file held by a long write): if it waited, health checks, respawns, `supervisor ctl`
/// and the systemd watchdog would stop with it, and a database outage would turn into a supervisor
/// restart. So each store call runs as a child task, and its end comes back to the loop as an event.
extension Arbiter {
    /// Settles the tasks an exited worker still held. Until it ends, the registry sweep counts the
    /// worker as alive, so that it does not settle them too, with less knowledge (which tasks had started).
    func startRecovery(of worker: ManagedWorker, reason: String, group: inout DiscardingTaskGroup) {
        let loss = workerLoss(of: worker, reason: reason)
        workersBeingRecovered.insert(worker.id)
        let (store, logger, events) = (store, logger, events)
        let metadata = metadata(worker)
        group.addTask {
            do {
                let recovered = try await store.recoverTasks(of: loss, at: Date())
                if !recovered.isEmpty {
                    let list = recovered.map { "#\($0.id) \($0.taskName) → \($0.newStatus)\($0.attemptCounted ? "" : " (never started)")" }
                    logger.warning("recovered the tasks of worker \(loss.workerID): \(list.joined(separator: ", "))", metadata: metadata)
                }
            } catch {
                // Left RUNNING, the tasks are recovered by the registry sweep once the database answers again.
                logger.error("could not recover the tasks of worker \(loss.workerID): \(error); the registry sweep will recover them", metadata: metadata)
            }
            events.yield(.storeWorkFinished(.recovery(workerID: loss.workerID)))
        }
    }

    private func workerLoss(of worker: ManagedWorker, reason: String) -> WorkerLoss {
        var taskReasons: [TaskResultID: WorkerLoss.Reason] = [:]
        if case .timeLimit(let id, let limit) = worker.stopReason {
            taskReasons[id] = WorkerLoss.Reason(
                exceptionType: TaskFailureKind.timedOut,
                message: "The task exceeded its time limit of \(limit.formatted) and did not stop within \(configuration.timeoutGrace.formatted) of being cancelled, so its worker \(worker.id) (pid \(worker.process.pid)) was killed.")
        }
        if case .cancellationIgnored(let id) = worker.stopReason {
            taskReasons[id] = WorkerLoss.Reason(
                exceptionType: TaskFailureKind.cancelled,
                message: "The task was cancelled and did not stop within \(configuration.timeoutGrace.formatted), so its worker \(worker.id) (pid \(worker.process.pid)) was killed.")
        }
        // Only the attempts still running when the worker ended count as failed, with the crash's stderr.
        // One that reported `finished` had ended, but its outcome (recorded with the next claim) was lost:
        // treated like an unstarted task, it runs again uncounted, rather than fail with another task's error.
        return WorkerLoss(
            workerID: worker.id,
            exceptionType: TaskFailureKind.workerDied,
            message: "Worker \(worker.id) (pid \(worker.process.pid), queue \(worker.queue)) \(reason) while running this task.",
            traceback: worker.stderrTail.text.map { Self.lastBytes(of: $0, atMost: Self.maximumTracebackBytes) },
            startedTaskIDs: Set(worker.running.keys),
            taskReasons: taskReasons)
    }

    /// The most of a crash's stderr stored with each failed attempt: enough for a backtrace, and a worker
    /// that floods stderr before dying cannot bloat every task it held.
    static let maximumTracebackBytes = 64 * 1024

    /// The end of `text` (where a backtrace is), at most `limit` bytes of UTF-8, cut at a character boundary.
    static func lastBytes(of text: String, atMost limit: Int) -> String {
        let utf8 = text.utf8
        guard utf8.count > limit else { return text }
        var start = utf8.index(utf8.endIndex, offsetBy: -limit)
        while start < utf8.endIndex, UTF8.isContinuation(utf8[start]) { start = utf8.index(after: start) }
        return String(text[start...])
    }

    /// The registry sweep, 3 s after start-up, then every half stale-worker timeout; never two at once.
    func startRegistrySweepWhenDue(group: inout DiscardingTaskGroup) {
        guard !registrySweepRunning, ContinuousClock.now >= nextRegistrySweep else { return }
        registrySweepRunning = true
        let sweep = registrySweep()
        let events = events
        group.addTask {
            let succeeded = await sweep()
            events.yield(.storeWorkFinished(.registrySweep(succeeded: succeeded)))
        }
    }

    /// Recovers tasks of registered workers that are gone without this supervisor seeing them die:
    /// a previous supervisor's, a standalone worker's, or another host's (stale heartbeat).
    ///
    /// Reads the loop's state now and returns the store work, to run on the loop at start-up or beside
    /// it later; the work returns whether the store answered. Heartbeats count only when
    /// ``StoreContact`` trusts them.
    private func registrySweep() -> @Sendable () async -> Bool {
        let (store, logger, host) = (store, logger, host)
        let staleAfter = storeContact.hasAnswered(for: configuration.staleWorkerTimeout, at: .now) ? configuration.staleWorkerTimeout : Self.neverStale
        let live = Set(workers.values.map(\.id)).union(workersBeingRecovered)
        return {
            do {
                let recovered = try await store.recoverStaleWorkers(staleAfter: staleAfter, at: Date()) { record in
                    if live.contains(record.id) { return true }
                    // On this host a dead pid settles it; elsewhere only the heartbeat's age can.
                    guard record.host == host else { return true }
                    return ProcessTable.isRunning(record.pid)
                }
                for task in recovered {
                    logger.warning("recovered task #\(task.id) \(task.taskName) of a lost worker → \(task.newStatus)")
                }
                return true
            } catch {
                logger.error("could not sweep the registry of workers: \(error)")
                return false
            }
        }
    }

    /// A staleness no heartbeat reaches: while heartbeats are not trusted, only dead pids count.
    static let neverStale = Duration.seconds(100 * 365 * 86_400)

    /// The start-up sweep, awaited: no worker runs yet, so nothing waits on the loop meanwhile.
    func sweepRegistryBeforeStart() async {
        storeContact.record(succeeded: await registrySweep()(), at: .now)
    }

    /// Pending counts for systemd's STATUS= line, read every 5 s when systemd listens.
    func startStatusUpdateWhenDue(group: inout DiscardingTaskGroup) {
        guard notifier.isEnabled, !statusCountsRunning, ContinuousClock.now - lastStatusNotification >= .seconds(5) else { return }
        statusCountsRunning = true
        lastStatusNotification = .now
        let (store, events) = (store, events)
        group.addTask {
            events.yield(.storeWorkFinished(.pendingCounts(try? await store.counts())))
        }
    }

    /// The end of a store call started above.
    func handle(_ finished: StoreWorkFinished) {
        switch finished {
        case .recovery(let workerID):
            workersBeingRecovered.remove(workerID)
        case .registrySweep(let succeeded):
            registrySweepRunning = false
            storeContact.record(succeeded: succeeded, at: .now)
            nextRegistrySweep = .now + configuration.staleWorkerTimeout / 2
        case .unservedQueues(let found):
            handleUnservedQueues(found)
        case .pausedQueues(let paused):
            handlePausedQueues(paused)
        case .eventCounts(let unsent):
            handleEventCountFlush(unsent: unsent)
        case .pendingCounts(let counts):
            statusCountsRunning = false
            let line = statusLine(pending: counts)
            if line != lastStatusLine {
                lastStatusLine = line
                notify([.status(line)])
            }
        }
    }
}
