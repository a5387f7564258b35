import Foundation

/// Stores without counters (test doubles) say so when asked, rather than answering zeros.
extension TaskStore {
    public func metricsRows() async throws -> [TaskMetricsRow] {
        throw OffloadError(.invalidConfiguration, "\(type(of: self)) keeps no metrics counters: use the SQLite or PostgreSQL store.")
    }

    public func queueGauges(at now: Date) async throws -> [QueueGauges] {
        throw OffloadError(.invalidConfiguration, "\(type(of: self)) keeps no metrics gauges: use the SQLite or PostgreSQL store.")
    }

    public func addEventCounts(_ counts: [String: Int]) async throws {
        throw OffloadError(.invalidConfiguration, "\(type(of: self)) keeps no metrics counters: use the SQLite or PostgreSQL store.")
    }
}
