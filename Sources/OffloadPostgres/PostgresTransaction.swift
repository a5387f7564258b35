import Logging
import PostgresNIO

/// BEGIN … COMMIT around a body, with ROLLBACK when it throws.
///
/// postgres-nio's own `withTransaction` wraps every error in a `PostgresTransactionError`; Offload's
/// callers need the body's own error (a ``OffloadError/Code/notRetryable``, say), so this rethrows it as is.
enum PostgresTransaction {
    static func run<Result: Sendable>(
        on connection: PostgresConnection,
        logger: Logger,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await connection.perform("BEGIN", logger: logger)
        let result: Result
        do {
            result = try await body(connection)
        } catch {
            // If ROLLBACK fails too the connection is broken, and the pool discards it: the body's error says more.
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
        try await connection.perform("COMMIT", logger: logger)
        return result
    }
}
