import OffloadWorker

extension Arbiter {
    /// Once every initial worker is ready and no task has run for the trim delay, the supervisor's start-up
    /// code (configuration, `--describe-tasks`, opening the store, spawning) goes back to the kernel.
    ///
    /// Checked on every tick: a task that starts and ends between two ticks still moves the workers'
    /// attempt counts, so it counts as work.
    func trimStartUpMemoryWhenSettled() {
        guard memoryTrim.isPending, phase == .running, swap == nil else { return }
        let attempts = workers.values.reduce(0) { $0 &+ $1.tasksDone }
        let busy = attempts != attemptsAtLastTrimCheck || workers.values.contains { !$0.running.isEmpty }
        attemptsAtLastTrimCheck = attempts
        if memoryTrim.isDue(busy: busy, at: .now) {
            StartUpMemoryTrim.trim(logger: logger)
        }
    }
}
