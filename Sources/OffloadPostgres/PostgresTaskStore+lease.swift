import Offload
import PostgresNIO
import Synchronization

/// Leasing pooled connections with a deadline.
///
/// postgres-nio's pool makes a request wait while it cannot connect, and fails it only when its circuit
/// breaker trips after 60 s (not configurable in postgres-nio 1.33). A worker or supervisor should hear
/// sooner that the server is gone: a lease not granted within
/// ``PostgresStoreConfiguration/connectionWaitLimit`` fails with `databaseUnavailable`.
///
/// Only the wait for a connection is limited, never a statement: a statement cannot be cancelled once
/// sent, and reporting a committed write as failed would be worse than waiting for it.
extension PostgresTaskStore {
    /// Who won the race between the lease and the deadline; decided once, by compare-and-exchange.
    private final class LeaseRace: Sendable {
        static let waiting = 0, leased = 1, expired = 2
        let state = Atomic<Int>(LeaseRace.waiting)

        func settle(as outcome: Int) -> Bool {
            state.compareExchange(expected: LeaseRace.waiting, desired: outcome, ordering: .relaxed).exchanged
        }
    }

    /// Runs `body` on a pooled connection, failing if none is granted within the wait limit.
    func withConnection<Result: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> Result) async throws -> Result {
        let race = LeaseRace()
        let limit = configuration.connectionWaitLimit
        do {
            return try await withThrowingTaskGroup(of: Result?.self) { group in
                group.addTask {
                    try await self.client.withConnection { connection in
                        // Too late: the caller was told the lease failed, so the body must not run.
                        guard race.settle(as: LeaseRace.leased) else { throw CancellationError() }
                        return try await body(connection)
                    }
                }
                group.addTask {
                    try await Task.sleep(for: limit)
                    return nil
                }
                while let finished = try await group.next() {
                    if let result = finished {
                        group.cancelAll()
                        return result
                    }
                    if race.settle(as: LeaseRace.expired) {
                        group.cancelAll()
                        throw OffloadError(.databaseUnavailable, "No connection to \(errors.target) was free within \(limit): the server is unreachable or down, or all \(configuration.maximumConnections) pooled connections stayed busy. Check the server and the network from this host, or raise maximumConnections.")
                    }
                    // Leased in time: the statement runs to its end, however long it takes.
                }
                throw CancellationError()
            }
        } catch {
            throw errors.translate(error)
        }
    }

    /// One transaction on a pooled connection, with the same deadline for getting the connection.
    func inTransaction<Result: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> Result) async throws -> Result {
        let logger = self.logger
        return try await withConnection { connection in
            try await PostgresTransaction.run(on: connection, logger: logger, body)
        }
    }
}
