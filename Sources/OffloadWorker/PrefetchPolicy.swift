/// Decides how many tasks to claim at once from how long tasks have been taking.
///
/// One claim transaction per task caps a worker near SQLite's single-row commit rate (about 14k/s
/// here). Claiming several at once lifts that cap, but a worker that hoards slow tasks starves the
/// others. So the batch holds about `budget` of expected work: dozens of no-op tasks, one slow task.
struct PrefetchPolicy {
    let budget: Duration
    let maximum: Int
    /// Exponential moving average of attempt durations, in seconds; `nil` until one finishes.
    private(set) var averageSeconds: Double?

    init(budget: Duration, maximum: Int) {
        self.budget = budget
        self.maximum = maximum
    }

    mutating func record(_ duration: Duration) {
        let seconds = duration.seconds
        averageSeconds = averageSeconds.map { $0 * 0.8 + seconds * 0.2 } ?? seconds
    }

    /// Tasks to hold beyond the free slots; none until the worker has seen how long tasks take.
    var extraTasks: Int {
        guard let average = averageSeconds, budget > .zero else { return 0 }
        guard average > 0 else { return maximum }
        // Compared as a Double first: a budget of hours over nanosecond tasks is beyond Int.
        let fitting = budget.seconds / average
        return fitting >= Double(maximum) ? maximum : Int(fitting)
    }
}

import Offload
