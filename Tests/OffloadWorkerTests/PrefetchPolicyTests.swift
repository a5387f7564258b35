@testable import OffloadWorker
import Testing

@Suite("Prefetch: how many tasks a worker claims beyond its free slots")
struct PrefetchPolicyTests {
    static func extraTasks(budget: Duration, after durations: [Duration], maximum: Int = 64) -> Int {
        var policy = PrefetchPolicy(budget: budget, maximum: maximum)
        for duration in durations { policy.record(duration) }
        return policy.extraTasks
    }

    @Test("none until a task has finished: the worker has not seen how long they take")
    func noneBeforeTheFirstTask() {
        #expect(Self.extraTasks(budget: .milliseconds(10), after: []) == 0)
    }

    @Test("about the budget's worth of expected work: 10 ms of 1 ms tasks is 10, a slow task's worth is none")
    func theBudgetsWorth() {
        #expect(Self.extraTasks(budget: .milliseconds(10), after: [.milliseconds(1)]) == 10)
        #expect(Self.extraTasks(budget: .milliseconds(10), after: [.seconds(2)]) == 0)
    }

    @Test("a budget of 0 turns prefetch off, however fast the tasks")
    func zeroBudgetMeansNone() {
        #expect(Self.extraTasks(budget: .zero, after: Array(repeating: .nanoseconds(1), count: 50)) == 0)
    }

    @Test("an hour's budget over nanosecond tasks is the maximum, not an overflow")
    func hugeRatioIsCapped() {
        #expect(Self.extraTasks(budget: .seconds(3_600), after: [.nanoseconds(1)], maximum: 64) == 64)
    }
}
