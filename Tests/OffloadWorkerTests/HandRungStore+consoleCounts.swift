import Foundation
import Offload

/// The console's bounded queries, passed through to the real store.
extension HandRungStore {
    func recentCounts(finishedSince: Date, finishedLimit: Int, at now: Date) async throws -> RecentCounts {
        try await base.recentCounts(finishedSince: finishedSince, finishedLimit: finishedLimit, at: now)
    }
    func taskPage(matching query: TaskListQuery) async throws -> TaskListPage { try await base.taskPage(matching: query) }
}
