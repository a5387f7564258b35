import OffloadWorker
import Testing

@Suite("Start-up memory trim: when it is due, and what it does")
struct StartUpMemoryTrimTests {
    /// What `isDue` answers at each step: whether the process was busy, and seconds since the first step.
    static func answers(delay: Duration?, _ steps: [(busy: Bool, second: Int)]) -> [Bool] {
        var trim = StartUpMemoryTrim(after: delay)
        let start = ContinuousClock.now
        return steps.map { trim.isDue(busy: $0.busy, at: start + .seconds($0.second)) }
    }

    @Test("due once, after an unbroken idle stretch of the delay, and never again")
    func dueOnceAfterIdleStretch() {
        let answers = Self.answers(delay: .seconds(10), [(false, 0), (false, 9), (false, 10), (false, 30), (false, 3600)])
        #expect(answers == [false, false, true, false, false])
    }

    @Test("work during the stretch starts it over")
    func workRestartsTheStretch() {
        let answers = Self.answers(delay: .seconds(10), [(false, 0), (true, 8), (false, 12), (false, 21), (false, 22)])
        #expect(answers == [false, false, false, false, true])
    }

    @Test("without a delay it is never due")
    func offMeansNever() {
        let answers = Self.answers(delay: nil, (0..<100).map { (false, 60 * $0) })
        #expect(!answers.contains(true))
    }

    @Test("paging out the read-only segments lowers this process's resident memory, and its code still runs")
    func pagingOutLowersResidentMemory() throws {
        // This test process's executable is mapped by no other process, so the kernel drops its clean pages.
        let outcome = try StartUpMemoryTrim.pageOutReadOnlySegments()
        #expect(outcome.advised > 0)
        #expect(outcome.residentBefore > 0 && outcome.residentAfter > 0)
        #expect(outcome.residentAfter < outcome.residentBefore, "\(outcome)")
        // The code it dropped comes back on first use.
        #expect([3, 1, 2].sorted() == [1, 2, 3])
    }
}
