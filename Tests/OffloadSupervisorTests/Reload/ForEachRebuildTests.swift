import Synchronization
import Testing
@testable import OffloadSupervisor

@Suite("forEachRebuild: one build per burst, and one more for changes made during a build", .timeLimit(.minutes(1)))
struct ForEachRebuildTests {
    @Test("twenty changes yielded at once give one build holding all twenty")
    func burstGivesOneBuild() async {
        let (changes, input) = AsyncStream.makeStream(of: SourceChange.self)
        for index in 0..<20 { input.yield(SourceChange(paths: ["/Sources/F\(index).swift"])) }

        var builds: [RebuildRequest] = []
        await changes.forEachRebuild(quietPeriod: .milliseconds(50)) { request in
            builds.append(request)
            input.finish()  // nothing more will come: forEachRebuild returns after this build
        }
        #expect(builds.count == 1)
        #expect(builds.first?.changes.count == 20)
    }

    @Test("changes made while a build runs give exactly one more build after it")
    func changesDuringBuildGiveOneMore() async {
        let (changes, input) = AsyncStream.makeStream(of: SourceChange.self)
        input.yield(SourceChange(paths: ["/Sources/A.swift"]))

        var builds: [RebuildRequest] = []
        await changes.forEachRebuild(quietPeriod: .milliseconds(50)) { request in
            builds.append(request)
            if builds.count == 1 {
                // Saves during the build: they cannot join it, so they must produce one build later.
                for name in ["B", "C", "D"] { input.yield(SourceChange(paths: ["/Sources/\(name).swift"])) }
            } else {
                input.finish()
            }
        }
        #expect(builds.map(\.paths) == [["/Sources/A.swift"], ["/Sources/B.swift", "/Sources/C.swift", "/Sources/D.swift"]])
    }

    @Test("cancelling the calling task ends forEachRebuild without a build")
    func cancellationEnds() async {
        let (changes, _) = AsyncStream.makeStream(of: SourceChange.self)
        let built = Atomic<Int>(0)
        let task = Task {
            await changes.forEachRebuild { _ in built.add(1, ordering: .relaxed) }
        }
        task.cancel()
        await task.value  // the suite's time limit catches a hang
        #expect(built.load(ordering: .relaxed) == 0)
    }
}
