import Logging
import PostgresNIO

extension PostgresConnection {
    /// Runs a statement to completion, discarding any rows, so that nothing of it is left pending on the connection.
    func perform(_ query: PostgresQuery, logger: Logger) async throws {
        _ = try await self.query(query, logger: logger).collect()
    }
}
