import Foundation
import Offload

/// The console's queries, passed through to the real store.
extension HandRungStore {
    func tasks(matching query: TaskListQuery) async throws -> [TaskRecord] { try await base.tasks(matching: query) }
    func deleteFinished(ids: [TaskResultID]) async throws -> [TaskResultID] { try await base.deleteFinished(ids: ids) }
    func runNow(ids: [TaskResultID], at now: Date) async throws -> [TaskResultID] { try await base.runNow(ids: ids, at: now) }
    func finishedPerMinute(since: Date) async throws -> [FinishedPerMinute] { try await base.finishedPerMinute(since: since) }
    func oldestReady(at now: Date) async throws -> [String: Date] { try await base.oldestReady(at: now) }
}
