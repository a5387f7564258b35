import Foundation
import Logging
import Offload
import OffloadWorker

extension Arbiter {
    /// Starts one worker for `queue`, with its status pipe, lifeline and output forwarding.
    ///
    /// A spawn that fails (missing or broken executable) counts as a death during start-up, so a
    /// bad path backs off and finally halts the queue instead of retrying in a tight loop.
    func spawnWorker(queue: String, group: inout DiscardingTaskGroup) async {
        guard var pool = queues[queue] else { return }
        let index = pool.takeIndex()
        let serial = nextSerial
        nextSerial += 1
        let workerID = "\(queue).\(index)#\(serial)@\(supervisorID)"
        queues[queue] = pool

        let status: FileDescriptorPipe
        let lifeline: FileDescriptorPipe
        let process: ChildProcess
        do {
            status = try FileDescriptorPipe()
            do {
                lifeline = try FileDescriptorPipe()
            } catch {
                close(status.readEnd); close(status.writeEnd)
                throw error
            }
            let request = SpawnRequest(
                executable: configuration.workerExecutable,
                arguments: workerArguments(queue: queue, workerID: workerID),
                environment: workerEnvironment(),
                workingDirectory: configuration.workingDirectory,
                extraDescriptors: [WorkerProcessContract.statusFD: status.writeEnd, WorkerProcessContract.lifelineFD: lifeline.readEnd],
                output: .pipe,
                // Lines beyond this are dropped (and counted) rather than held while the printer lags.
                outputBufferLimit: 1024,
                // So that nothing a task starts outlives the worker: the group dies with it.
                leadsProcessGroup: true)
            do {
                process = try await ChildProcess.spawn(request)
            } catch {
                for fd in [status.readEnd, status.writeEnd, lifeline.readEnd, lifeline.writeEnd] { close(fd) }
                throw error
            }
            // Our copies of the child's ends: holding them would keep both pipes from reaching EOF.
            close(status.writeEnd)
            close(lifeline.readEnd)
        } catch {
            queues[queue]?.usedIndexes.remove(index)
            logger.error("cannot start a worker for queue \(queue): \(error)", metadata: ["queue": "\(queue)"])
            recordStartupFailure(queue: queue, reason: "\(error)")
            return
        }

        let now = ContinuousClock.now
        let worker = ManagedWorker(
            serial: serial, id: workerID, queue: queue, index: index, generation: pool.generation,
            process: process, lifeline: lifeline.writeEnd, stderrTail: StderrTail(), spawnedAt: now, lastHeartbeat: now)
        workers[serial] = worker
        count(.workerSpawned)
        logger.info("spawned worker", metadata: metadata(worker).merging(["id": "\(workerID)", "generation": "\(pool.generation)"]) { $1 })
        forwardOutput(of: worker, statusPipe: status.readEnd, group: &group)
    }

    private func forwardOutput(of worker: ManagedWorker, statusPipe: Int32, group: inout DiscardingTaskGroup) {
        let events = self.events
        let printer = self.printer
        let process = worker.process
        let serial = worker.serial
        let label = worker.label
        let index = worker.index
        let tail = worker.stderrTail
        let stderrDrained = Doorbell()
        let statusDrained = Doorbell()
        let statusPause = Self.statusReadPause
        group.addTask {
            for await lines in StatusPipeReader.batches(from: statusPipe, pause: statusPause) {
                let batch = lines.compactMap(WorkerEvent.init(line:))
                if !batch.isEmpty { events.yield(.worker(serial: serial, batch)) }
            }
            statusDrained.ring()
        }
        group.addTask {
            for await line in process.standardOutputLines {
                printer.countDropped(process.droppedOutputLines.take(), from: label, pid: process.pid)
                printer.print(line, from: label, pid: process.pid, index: index, toStandardError: false)
            }
            printer.countDropped(process.droppedOutputLines.take(), from: label, pid: process.pid)
        }
        group.addTask {
            for await line in process.standardErrorLines {
                printer.countDropped(process.droppedOutputLines.take(), from: label, pid: process.pid)
                tail.append(line)
                printer.print(line, from: label, pid: process.pid, index: index, toStandardError: true)
            }
            stderrDrained.ring()
        }
        group.addTask {
            let status = await process.waitForExit()
            // The exit must be handled after the worker's last status lines (which tasks it started)
            // and its last stderr lines (a crash's backtrace): both pipes reach EOF once it is gone.
            await statusDrained.wait(timeout: .milliseconds(500))
            await stderrDrained.wait(timeout: .milliseconds(500))
            events.yield(.workerExited(serial: serial, status))
        }
    }

    func workerArguments(queue: String, workerID: String) -> [String] {
        var arguments = [
            "--queue-name", queue,
            "--database", configuration.database,
            "--worker-id", workerID,
            "--concurrency", String(configuration.concurrency),
            "--graceful-timeout", String(configuration.gracefulTimeout.seconds),
            "--heartbeat-interval", String(configuration.heartbeatInterval.seconds),
            "--trim-memory-after", String(configuration.startUpMemoryTrimDelay?.seconds ?? 0),
            "--prefetch-budget", String(configuration.workerPrefetchBudget.seconds),
        ]
        if let maxTasks = configuration.maxTasksPerWorker {
            arguments += ["--max-tasks", String(maxTasks)]
        }
        return arguments
    }

    /// The supervisor's environment without what belongs to the supervisor alone (systemd's sockets),
    /// plus the process contract's variables, and Swift's backtracer turned off unless the user set it.
    func workerEnvironment() -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { !WorkerProcessContract.supervisorOnlyVariables.contains($0.key) }
        for (key, value) in configuration.workerEnvironment { environment[key] = value }
        if environment[WorkerProcessContract.backtraceVariable] == nil {
            environment[WorkerProcessContract.backtraceVariable] = WorkerProcessContract.defaultBacktraceSetting
        }
        environment[WorkerProcessContract.statusFDVariable] = String(WorkerProcessContract.statusFD)
        environment[WorkerProcessContract.lifelineFDVariable] = String(WorkerProcessContract.lifelineFD)
        environment[WorkerProcessContract.supervisorPIDVariable] = String(getpid())
        return environment
    }

    /// A death before `ready`: back off, and halt the queue after too many in a row, or at once when
    /// the failure is `permanent` (the worker rejected its flags or configuration: exit 64 or 78).
    func recordStartupFailure(queue: String, reason: String, permanent: Bool = false) {
        guard var pool = queues[queue] else { return }
        pool.consecutiveStartupFailures += 1
        let failures = pool.consecutiveStartupFailures
        if permanent {
            pool.haltReason = "the worker rejected its flags or configuration, so restarting it cannot help (\(reason))"
            logger.critical(
                "queue \(queue) halted: its worker rejected its flags or configuration; not respawning. Fix the cause, then send SIGHUP or run `supervisor ctl scale \(queue)=N`. \(reason)",
                metadata: ["queue": "\(queue)"])
        } else if failures >= configuration.startupFailureLimit {
            pool.haltReason = "worker died during start-up \(failures) times in a row (last: \(reason))"
            logger.critical(
                "queue \(queue) halted: its worker died during start-up \(failures) times in a row; not respawning. Fix the cause, then send SIGHUP or run `supervisor ctl scale \(queue)=N`. Last failure: \(reason)",
                metadata: ["queue": "\(queue)"])
        } else {
            let wait = restartBackoff(failures: failures, initial: configuration.restartBackoffInitial, maximum: configuration.restartBackoffMaximum)
            pool.nextSpawnAllowed = .now + wait
            logger.warning("worker for queue \(queue) died during start-up (\(failures) of \(configuration.startupFailureLimit) allowed in a row); next attempt in \(wait.formatted)", metadata: ["queue": "\(queue)"])
        }
        queues[queue] = pool
        // A halted queue no longer holds up start-up: the others may be ready already.
        if pool.haltReason != nil { maybeFinishStarting() }
    }
}
