import Foundation
import Logging
import Offload

extension Worker {
    /// Claims, runs and records tasks until stopped, idle in batch mode, or at the task limit.
    func claimLoop() async throws {
        var claimed: [ClaimedTask] = []
        var outcomes: [TaskOutcome] = []
        var running = 0
        // How many tasks at the front of `claimed` the claim marked started; those after it were prefetched.
        var startedAtClaim = 0
        var attemptsBegun = 0
        var prefetch = PrefetchPolicy(budget: configuration.prefetchBudget, maximum: configuration.maximumPrefetch)
        var backoff = StoreBackoff()
        let clock = ContinuousClock()

        // At most one child listens for ready work at a time: the doorbell has room for one waiter.
        var listening = false

        await withTaskGroup(of: LoopEvent.self) { group in
            while true {
                let stopping = stopRequested.load(ordering: .relaxed) || Task.isCancelled

                // Prefetched tasks about to start are checked against paused queues first.
                if !stopping, configuration.concurrency - running > startedAtClaim {
                    do {
                        try await releasePausedPrefetched(&claimed, prefetchedFrom: startedAtClaim)
                    } catch {
                        await backoffBell.wait(timeout: backoff.failed(error, doing: "check prefetched tasks against paused queues", logger: logger))
                        continue
                    }
                }
                // Every task this turn can start, reported in one write before any of them runs.
                let starting = stopping ? [] : claimed.prefix(max(0, configuration.concurrency - running))
                if !starting.isEmpty {
                    claimed.removeFirst(starting.count)
                    startedAtClaim = max(0, startedAtClaim - starting.count)
                    status.report(starting.map { .started($0.id.rawValue, timeout: $0.timeout) })
                    for task in starting {
                        running += 1
                        attemptsBegun += 1
                        begin(task, in: &group, clock: clock)
                    }
                }
                // A `finished` line held while waiting below went out with those `started` lines, or goes now.
                status.flush()

                // Record and claim together once the claimed tasks have all started.
                if claimed.isEmpty, running < configuration.concurrency || !outcomes.isEmpty {
                    var limit = stopping ? 0 : configuration.concurrency - running + prefetch.extraTasks
                    if let maxTasks = configuration.maxTasks { limit = min(limit, maxTasks - attemptsBegun) }
                    if limit > 0 || !outcomes.isEmpty {
                        do {
                            // Tasks beyond the free slots are marked prefetched: if this worker vanishes unseen,
                            // the sweep that settles its tasks puts those back uncounted.
                            let request = limit > 0
                                ? ClaimRequest(workerID: configuration.workerID, queues: configuration.queues, limit: limit, startingAtOnce: configuration.concurrency - running)
                                : nil
                            claimed = try await busyBeacon.during { try await store.complete(outcomes, thenClaim: request) }
                            startedAtClaim = min(claimed.count, request?.startedLimit ?? 0)
                            outcomes.removeAll()
                            backoff.succeeded(doing: "record results and claim tasks", logger: logger)
                        } catch {
                            // Outcomes stay buffered and are retried; the tasks stay RUNNING meanwhile.
                            await backoffBell.wait(timeout: backoff.failed(error, doing: "record results or claim tasks", logger: logger))
                        }
                        if !claimed.isEmpty { continue }
                    }
                }

                let limitReached = configuration.maxTasks.map { attemptsBegun >= $0 } ?? false
                if running == 0, claimed.isEmpty || stopping {
                    if stopping || limitReached || configuration.exitWhenIdle {
                        if !outcomes.isEmpty {
                            // Record what finished before leaving; unstarted claims are released below.
                            do {
                                _ = try await busyBeacon.during { try await store.complete(outcomes, thenClaim: nil) }
                                outcomes.removeAll()
                            } catch where !Task.isCancelled {
                                await backoffBell.wait(timeout: backoff.failed(error, doing: "record results before stopping", logger: logger))
                                continue
                            } catch {
                                // The graceful timeout is over: the supervisor's recovery settles these tasks.
                                logger.error("graceful timeout expired before \(outcomes.count) result(s) could be recorded: \(error)")
                            }
                        }
                        // The only child left, if any, is the listener: it ends at once when cancelled.
                        group.cancelAll()
                        break
                    }
                }

                // Next: a running task ends, or, with a slot free, work becomes ready. A worker busy with a long
                // task keeps listening, so a task enqueued meanwhile starts in a free slot at once rather than
                // when the long one ends.
                if !listening, !stopping, !limitReached, claimed.isEmpty, running < configuration.concurrency {
                    listening = true
                    // Back on before the listener's first look, so nothing committed from here on goes unheard.
                    store.setWakeUpsMuted(false)
                    group.addTask {
                        await self.waitForReadyTask()
                        return .workMayBeReady
                    }
                }
                if running > 0 {
                    status.holdFinishes()
                }
                switch await group.next() {
                case .finished(let outcome, let duration)?:
                    running -= 1
                    prefetch.record(duration)
                    outcomes.append(outcome)
                case .workMayBeReady?:
                    listening = false
                    // Until the next listener: a busy worker's own commits would only wake it for nothing.
                    store.setWakeUpsMuted(true)
                case nil:
                    break
                }
            }
        }
        // Tasks claimed but never started go back untouched.
        if !claimed.isEmpty {
            try await busyBeacon.during { try await store.releaseUnstarted(claimed.map(\.id), workerID: configuration.workerID) }
        }
    }

    /// Starts `task`; its `started` line is already written.
    /// What the claim loop's child tasks end with.
    private enum LoopEvent: Sendable {
        /// An attempt ended, after running this long.
        case finished(TaskOutcome, Duration)
        /// The listener saw ready work (or a stop request, or was cancelled).
        case workMayBeReady
    }

    private func begin(_ task: ClaimedTask, in group: inout TaskGroup<LoopEvent>, clock: ContinuousClock) {
        let wasIdle = currentTasks.withLock { tasks in
            defer { tasks.insert(task.id) }
            return tasks.isEmpty
        }
        // Only the cancel poll waits on it, and only while the worker holds no task: one ring per busy spell.
        if wasIdle { taskBegan.ring() }
        group.addTask {
            let start = clock.now
            let result = await self.busyBeacon.during {
                await TaskSpan.run(task, workerID: self.configuration.workerID) {
                    await self.runCancellable(task)
                }
            }
            let outcome = TaskOutcome(id: task.id, workerID: self.configuration.workerID, result: result)
            self.finish(task, outcome: outcome)
            let elapsed = clock.now - start
            WorkerMetrics.record(task, result, duration: elapsed)
            return .finished(outcome, elapsed)
        }
    }

    private func finish(_ task: ClaimedTask, outcome: TaskOutcome) {
        currentTasks.withLock { _ = $0.remove(task.id) }
        tasksDone.add(1, ordering: .relaxed)
        // A cancelled attempt's end goes out at once too: the supervisor is counting down its grace period.
        let wasCancelled = cancellations.ended(task.id)
        status.reportFinished(task.id.rawValue, hasTimeLimit: task.timeout != nil || wasCancelled)
        guard case .failed(let error, let retryAt) = outcome.result else { return }
        var metadata: Logger.Metadata = ["task": "\(task.taskName)", "id": "\(task.id)", "attempt": "\(task.attempt)"]
        if let retryAt { metadata["retry_at"] = "\(retryAt)" }
        logger.warning("task failed: \(error.exceptionType): \(error.message)", metadata: metadata)
    }

    /// Returns once work may be ready for a free slot, whether the worker is idle or busy with fewer tasks than
    /// its concurrency (run as the claim loop's one listening child): it sleeps until the store signals a
    /// change, a delayed task comes due, or a stop is asked for;
    /// a wake-up with nothing ready (often our own commit) goes back to sleep after a cheap read,
    /// unless the store's wake-ups mean work (``TaskStore/claimsOnWakeUp``): then the claim is the read.
    ///
    /// A wake-up can come before the commit that caused it is visible: SQLite writes a commit's WAL frames
    /// (the write the watch sees), syncs them (with `synchronous=FULL`, 5 ms typically, over a second at
    /// worst on a loaded disk), and only then publishes the commit in the shared-memory index, which no
    /// watch sees. So Offload's writers announce each commit that makes work once it is visible (the SQLite
    /// store opens and closes the WAL read-only: a second wake-up that always finds the task). For writers that do not
    /// announce (raw SQL), a wake-up that finds nothing is followed by a few more looks, 1, 4, 16, 64 and
    /// 256 ms later, until the commit shows or a new wake-up comes. A ring while a claim is in flight is
    /// not lost: the doorbell keeps it, and the next wait returns at once.
    private func waitForReadyTask() async {
        var followUp: Duration?
        while !stopRequested.load(ordering: .relaxed), !Task.isCancelled {
            var timeout = followUp.map { min($0, configuration.idlePollInterval) } ?? configuration.idlePollInterval
            // Wakes for the registry heartbeat too, to record it with the watch off (Worker+registry.swift).
            timeout = min(timeout, max(registryBeatDueForListener, .milliseconds(1)))
            if let next = try? await store.nextRunAfter(in: configuration.queues) {
                let untilDue = next.timeIntervalSinceNow
                if untilDue <= 0 { return }
                timeout = min(timeout, .milliseconds(Int64(min(untilDue, 86_400) * 1000) + 1))
            }
            let rung = await doorbell.wait(timeout: timeout)
            if !rung { await recordRegistryHeartbeatQuietlyIfDue() }
            if store.claimsOnWakeUp { return }
            if (try? await store.hasReadyTask(in: configuration.queues, at: Date())) != false { return }
            followUp = rung ? Self.firstFollowUp : followUp.flatMap(Self.nextFollowUp)
        }
    }

    private static var firstFollowUp: Duration { .milliseconds(1) }

    /// The next look after `previous`, four times later, until the commit that rang must long be visible.
    private static func nextFollowUp(after previous: Duration) -> Duration? {
        let next = previous * 4
        return next <= .milliseconds(256) ? next : nil
    }
}
