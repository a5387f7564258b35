import Foundation
import Logging

extension Arbiter {
    func handleSignal(_ signal: Int32) async {
        switch signal {
        case SIGTERM: handleSIGTERM()
        case SIGINT: handleSIGINT()
        case SIGHUP: handleSIGHUP()
        case SIGUSR2: stallLoopForTesting()
        default: break
        }
    }

    /// Stop claiming, let running tasks finish within the graceful timeout, kill what is left.
    func handleSIGTERM() {
        beginShutdown(reason: "SIGTERM")
    }

    /// Like SIGTERM; a second SIGINT (Ctrl-C twice) stops at once.
    func handleSIGINT() {
        if isStopping {
            logger.warning("second SIGINT: killing every worker now")
            for worker in workers.values { sendSignal(SIGKILL, to: worker) }
            return
        }
        beginShutdown(reason: "SIGINT")
    }

    /// Re-read the configuration, apply the counts, and replace the workers one queue at a time.
    func handleSIGHUP() {
        guard !isStopping else { return }
        notify([.reloading()])
        guard let reloadConfiguration else {
            logger.notice("SIGHUP: no configuration source to re-read; replacing workers with the same settings")
            beginSwap(reason: "SIGHUP", onReady: { [notifier] _ in _ = try? notifier.notify([.ready]) })
            return
        }
        let new: SupervisorConfiguration
        let newSchedules: [ScheduledTask]
        do {
            new = try withDeclaredQueues(reloadConfiguration())
            newSchedules = try SchedulePlan.resolve(configured: new.configuredSchedules, description: taskDescription)
        } catch {
            logger.error("SIGHUP: the configuration is invalid, keeping the running one: \(error)")
            notify([.ready])
            return
        }
        replaceSchedules(with: newSchedules, reason: "SIGHUP")
        let old = configuration
        configuration = new
        configuration.controlSocket = old.controlSocket
        for queue in new.queues where queues[queue] == nil {
            queues[queue] = QueuePool(name: queue, target: new.workerCount(for: queue))
        }
        for queue in queues.keys {
            if new.queues.contains(queue) {
                queues[queue]?.target = new.workerCount(for: queue)
                queues[queue]?.haltReason = nil
                queues[queue]?.consecutiveStartupFailures = 0
            } else {
                queues[queue]?.target = 0
            }
        }
        // Always replace the workers: a new worker binary installed at the same path looks like no change at all.
        logger.notice("SIGHUP: configuration re-read; replacing workers one queue at a time")
        beginSwap(reason: "SIGHUP", onReady: { [notifier] _ in _ = try? notifier.notify([.ready]) })
    }

    func beginShutdown(reason: String) {
        guard !isStopping else { return }
        let deadline = ContinuousClock.now + configuration.gracefulTimeout + configuration.killGrace
        phase = .stopping(deadline: deadline)
        notify([.stopping])
        logger.notice("\(reason): stopping; \(workers.count) worker(s) finish their tasks within \(configuration.gracefulTimeout.formatted)")
        for serial in workers.keys {
            stop(serial, reason: .shutdown, grace: configuration.gracefulTimeout + configuration.killGrace)
        }
        if var swap {
            swap.queuesLeft = []
            self.swap = swap
            finishSwap(.failure(SwapFailure(message: "the supervisor is stopping")))
        }
    }

    /// Seconds to block the loop on SIGUSR2, from `OFFLOAD_TEST_STALL_LOOP_SECONDS`: a test hook that
    /// proves the systemd watchdog is fed by the loop itself (a stuck loop must stop the pings).
    static let loopStallForTesting: Double? = ProcessInfo.processInfo.environment["OFFLOAD_TEST_STALL_LOOP_SECONDS"].flatMap(Double.init)

    func stallLoopForTesting() {
        guard let seconds = Self.loopStallForTesting else { return }
        logger.warning("SIGUSR2: blocking the supervision loop for \(seconds) s (OFFLOAD_TEST_STALL_LOOP_SECONDS)")
        // Deliberately blocks the thread: a stuck loop is what is being simulated.
        usleep(UInt32(seconds * 1_000_000))
    }

    /// The loop ends once stopping and every worker is gone.
    var isFinished: Bool {
        isStopping && workers.isEmpty && workersBeingRecovered.isEmpty
    }
}
