import Foundation
import Offload
import PostgresNIO

/// `PostgresTaskStore.insert`'s `INSERT` of one pending task, column for column, as a prepared statement
/// for part 8's raw limit.
///
/// Two differences from the store's statement, both on purpose: it is prepared once per connection (the
/// store sends its SQL text every time), and it sends no `NOTIFY` (the store's rides in the same
/// statement, to wake idle workers). The limit is the commit of the row itself; what the store adds on
/// top is Offload's cost. The table is unqualified, so the connection's `search_path` names the scratch
/// schema: a prepared statement's SQL is fixed per type.
struct InsertPendingTask: PostgresPreparedStatement {
    static let sql = """
        INSERT INTO offload_task (task_name, queue_name, backend, priority, status, arguments, enqueued_at, run_after,
                                  max_attempts, backoff_initial_ms, backoff_max_ms, backoff_jitter, timeout_ms)
        VALUES ($1, $2, $3, $4, 'PENDING', $5, $6, $7, $8, $9, $10, $11, $12)
        RETURNING id
        """
    typealias Row = Int64

    /// The enqueue time, also the time it may run.
    var now: Date

    /// The values of a `benchmark.echo` task with default options, as ``OffloadSQL/bindPending(_:now:)`` binds them for SQLite.
    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 12)
        bindings.append(BenchmarkTask.name)
        bindings.append(TaskOptions.defaultQueueName)
        bindings.append(TaskOptions.defaultBackend)
        bindings.append(0)
        bindings.append(#"{"value":"x"}"#)
        bindings.append(now)
        bindings.append(now)
        bindings.append(1)
        bindings.append(Int64(1_000))
        bindings.append(Int64(300_000))
        bindings.append(0.2)
        bindings.append(Int64?.none)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Int64 {
        try row.decode(Int64.self)
    }
}
