import Foundation
import Offload
import OffloadSQLite
import OffloadTesting
import Testing

@Suite("Pruning finished results")
struct PruneTests {
    /// Enqueues, claims and finishes tasks so that they finished at `finishedAt`.
    func finish(_ fixture: StoreFixture, count: Int, at finishedAt: Date, failed: Bool = false) throws -> [TaskResultID] {
        let ids = try (0..<count).map { _ in try fixture.enqueue().id }
        _ = try fixture.claim(count)
        let outcomes = ids.map { id in
            TaskOutcome(id: id, workerID: "w1", result: failed ? .failed(TaskAttemptError(exceptionType: "E", message: "m", attempt: 1, workerID: "w1"), retryAt: nil) : .succeeded(returnValue: "null"), finishedAt: finishedAt)
        }
        _ = try fixture.store.completeAndClaim(outcomes, claim: nil)
        return ids
    }

    @Test("results finished before the age are deleted; newer ones and unfinished tasks stay")
    func prunesOnlyOldFinished() async throws {
        let fixture = try StoreFixture()
        let now = Date()
        let old = try finish(fixture, count: 3, at: now.addingTimeInterval(-8 * 86_400))
        let recent = try finish(fixture, count: 2, at: now.addingTimeInterval(-86_400))
        let pending = try fixture.enqueue()
        let deleted = try await fixture.store.prune(PruneRequest(age: .seconds(7 * 86_400), now: now))
        #expect(deleted == 3)
        for id in old { #expect(throws: OffloadError.self) { try fixture.record(id) } }
        for id in recent { #expect(try fixture.record(id).status == .successful) }
        #expect(try fixture.record(pending.id).status == .pending)
    }

    @Test("a dry run counts without deleting")
    func dryRun() async throws {
        let fixture = try StoreFixture()
        let ids = try finish(fixture, count: 4, at: Date().addingTimeInterval(-10 * 86_400))
        #expect(try await fixture.store.prune(PruneRequest(age: .seconds(86_400), dryRun: true)) == 4)
        #expect(try fixture.record(ids[0]).status == .successful)
    }

    @Test("a status filter prunes only that status")
    func statusFilter() async throws {
        let fixture = try StoreFixture()
        let old = Date().addingTimeInterval(-10 * 86_400)
        let succeeded = try finish(fixture, count: 2, at: old)
        let failed = try finish(fixture, count: 2, at: old, failed: true)
        #expect(try await fixture.store.prune(PruneRequest(age: .seconds(86_400), statuses: [.failed])) == 2)
        #expect(try fixture.record(succeeded[0]).status == .successful)
        #expect(throws: OffloadError.self) { try fixture.record(failed[0]) }
    }

    @Test("pruning in chunks deletes everything that matches")
    func chunkedPrune() async throws {
        let fixture = try StoreFixture()
        _ = try finish(fixture, count: 1203, at: Date().addingTimeInterval(-10 * 86_400))
        #expect(try await fixture.store.prune(PruneRequest(age: .seconds(86_400), chunkSize: 100)) == 1203)
        #expect(try await fixture.store.counts().first?.successful == nil)
    }

    @Test("asking to prune unfinished statuses is refused")
    func unfinishedStatusesAreRefused() async throws {
        let fixture = try StoreFixture()
        await #expect(throws: OffloadError.self) {
            try await fixture.store.prune(PruneRequest(age: .zero, statuses: [.pending]))
        }
    }
}
