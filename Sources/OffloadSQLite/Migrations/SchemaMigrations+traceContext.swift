import GRDB

extension SchemaMigrations {
    /// v8: the trace context active at enqueue (a JSON object of carrier fields), continued by the worker's span.
    /// NULL when there was none: every row from before, and every task enqueued without tracing.
    static func addTraceContext(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE offload_task ADD COLUMN trace_context TEXT")
    }
}
