import Testing
@testable import OffloadSupervisor

@Suite("Debouncing changes into rebuild requests (pure state machine)")
struct ChangeDebouncerTests {
    let start = ContinuousClock.now
    let quiet = Duration.milliseconds(100)

    func change(_ name: String, at offset: Duration) -> SourceChange {
        SourceChange(paths: ["/pkg/Sources/\(name)"], seenAt: start + offset)
    }

    @Test("twenty changes 10 ms apart give one request, once the sources are quiet")
    func burstGivesOneRequest() throws {
        var debouncer = ChangeDebouncer(quietPeriod: quiet)
        for index in 0..<20 {
            debouncer.record(change("File\(index).swift", at: .milliseconds(10 * index)))
            #expect(debouncer.request(at: start + .milliseconds(10 * index + 5)) == nil)
        }
        let last = start + .milliseconds(190)
        #expect(debouncer.deadline == last + quiet)
        #expect(debouncer.request(at: last + quiet - .milliseconds(1)) == nil)

        let due = debouncer.request(at: last + quiet)
        let request = try #require(due)
        #expect(request.changes.count == 20)
        #expect(request.paths.count == 20)
        #expect(request.firstSeenAt == start)
        #expect(request.lastSeenAt == last)
        #expect(debouncer.isBuilding)
        #expect(debouncer.request(at: last + .seconds(10)) == nil)

        debouncer.buildFinished()
        #expect(!debouncer.isBuilding)
        #expect(debouncer.deadline == nil)
        #expect(debouncer.request(at: last + .seconds(20)) == nil)
    }

    @Test("changes during a build give exactly one more request after it, holding all of them")
    func changesDuringBuildGiveOneMore() throws {
        var debouncer = ChangeDebouncer(quietPeriod: quiet)
        debouncer.record(change("A.swift", at: .zero))
        #expect(debouncer.request(at: start + quiet) != nil)

        for index in 0..<3 { debouncer.record(change("B\(index).swift", at: .milliseconds(500 + 100 * index))) }
        #expect(debouncer.request(at: start + .seconds(5)) == nil)  // never while building

        debouncer.buildFinished()  // at 5 s: the last change (700 ms) is long quiet
        let due = debouncer.request(at: start + .seconds(5))
        let second = try #require(due)
        #expect(second.paths == ["/pkg/Sources/B0.swift", "/pkg/Sources/B1.swift", "/pkg/Sources/B2.swift"])

        debouncer.buildFinished()
        #expect(debouncer.request(at: start + .seconds(60)) == nil)
    }

    @Test("a change just before a build finishes still waits for its own quiet period")
    func lateChangeWaitsForQuiet() throws {
        var debouncer = ChangeDebouncer(quietPeriod: quiet)
        debouncer.record(change("A.swift", at: .zero))
        #expect(debouncer.request(at: start + quiet) != nil)
        debouncer.record(change("A.swift", at: .seconds(2)))
        debouncer.buildFinished()
        #expect(debouncer.deadline == start + .seconds(2) + quiet)
        #expect(debouncer.request(at: start + .seconds(2) + .milliseconds(50)) == nil)
        #expect(debouncer.request(at: start + .seconds(2) + quiet) != nil)
    }

    @Test("an overflow with no paths still requests a rebuild, marked as overflow")
    func overflowRequestsRebuild() throws {
        var debouncer = ChangeDebouncer(quietPeriod: quiet)
        debouncer.record(SourceChange(paths: [], seenAt: start, overflow: true))
        let due = debouncer.request(at: start + quiet)
        let request = try #require(due)
        #expect(request.overflow)
        #expect(request.paths.isEmpty)
    }

    @Test("the same path saved twice is listed once, in first-seen order")
    func pathsAreUnique() throws {
        var debouncer = ChangeDebouncer(quietPeriod: .zero)
        debouncer.record(change("B.swift", at: .zero))
        debouncer.record(change("A.swift", at: .zero))
        debouncer.record(change("B.swift", at: .zero))
        let due = debouncer.request(at: start)
        let request = try #require(due)
        #expect(request.paths == ["/pkg/Sources/B.swift", "/pkg/Sources/A.swift"])
        #expect(request.changes.count == 3)
    }
}
