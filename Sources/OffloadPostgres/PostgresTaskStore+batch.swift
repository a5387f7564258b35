import Foundation
import Offload
import PostgresNIO

extension PostgresTaskStore {
    /// Rows per INSERT: a bounded message even when each task carries large arguments.
    public static let batchChunkSize = 500

    /// Enqueues many tasks in one transaction, in order: all are stored, or none.
    ///
    /// The rows travel as one array per column and are unpacked by `unnest`, so a batch costs a round
    /// trip per ``batchChunkSize`` tasks instead of one per task; workers are notified once per queue.
    public func enqueue(batch requests: [TaskRequest]) async throws -> [TaskRecord] {
        guard !requests.isEmpty else { return [] }
        for request in requests {
            try request.validate()
            try checkSize(of: request)
        }
        let now = Date()
        return try await inTransaction { [self] connection in
            var records: [TaskRecord] = []
            records.reserveCapacity(requests.count)
            // A unique task may find its key held and store nothing: such a batch goes one by one, in order.
            if requests.contains(where: { $0.unique != nil }) {
                for request in requests { records.append(try await insertReportingDuplicate(request, on: connection).record) }
                return records
            }
            var start = 0
            while start < requests.count {
                let chunk = requests[start..<min(start + Self.batchChunkSize, requests.count)]
                records += try await insert(batch: chunk, at: now, on: connection)
                start += chunk.count
            }
            // NOTIFY is transactional: workers hear of the batch only once it commits.
            try await notify(on: connection)
            return records
        }
    }

    private func insert(batch requests: ArraySlice<TaskRequest>, at now: Date, on connection: PostgresConnection) async throws -> [TaskRecord] {
        var binds = PostgresBindings(capacity: 15)
        binds.append(requests.map(\.taskName))
        binds.append(requests.map(\.queueName))
        binds.append(requests.map(\.backend))
        binds.append(requests.map { Int32($0.priority) })
        binds.append(requests.map(\.arguments))
        binds.append(now)
        binds.append(requests.map { $0.runAfter ?? now })
        binds.append(requests.map { Int32($0.retry.maxAttempts) })
        binds.append(requests.map { $0.retry.initialBackoff.milliseconds })
        binds.append(requests.map { $0.retry.maximumBackoff.milliseconds })
        binds.append(requests.map(\.retry.jitter))
        // postgres-nio has no arrays with NULLs; -1 stands for "no timeout" and becomes NULL below.
        binds.append(requests.map { $0.timeout?.milliseconds ?? -1 })
        // Likewise '' and -1 for "no concurrency limit" (validation refuses an empty key and a limit below 1).
        binds.append(requests.map { $0.concurrency?.key ?? "" })
        binds.append(requests.map { Int32($0.concurrency?.limit ?? -1) })
        // And '' for "no trace context": an empty context carries nothing for the worker to continue.
        binds.append(requests.map { $0.traceContext ?? "" })
        let rows = try await connection.query(PostgresQuery(unsafeSQL: """
            INSERT INTO \(names.task) (task_name, queue_name, backend, priority, status, arguments, enqueued_at, run_after,
                                       max_attempts, backoff_initial_ms, backoff_max_ms, backoff_jitter, timeout_ms,
                                       concurrency_key,
                                       concurrency_limit,
                                       trace_context)
            SELECT task_name, queue_name, backend, priority, 'PENDING', arguments, $6, run_after,
                   max_attempts, backoff_initial_ms, backoff_max_ms, backoff_jitter, NULLIF(timeout_ms, -1),
                   NULLIF(concurrency_key, ''),
                   NULLIF(concurrency_limit, -1),
                   NULLIF(trace_context, '')
            FROM unnest($1::text[], $2::text[], $3::text[], $4::integer[], $5::text[], $7::timestamptz[],
                        $8::integer[], $9::bigint[], $10::bigint[], $11::double precision[], $12::bigint[],
                        $13::text[], $14::integer[],
                        $15::text[]) WITH ORDINALITY
                AS batch(task_name, queue_name, backend, priority, arguments, run_after,
                       max_attempts, backoff_initial_ms, backoff_max_ms, backoff_jitter, timeout_ms,
                       concurrency_key, concurrency_limit,
                       trace_context, ordinal)
            ORDER BY ordinal
            RETURNING id
            """, binds: binds), logger: logger).collect()
        // Identities are drawn as the sorted rows are inserted, so ascending ids follow the requests' order.
        let ids = try rows.map { try $0.decode(Int64.self) }.sorted()
        guard ids.count == requests.count else {
            throw OffloadError(.databaseUnavailable, "PostgreSQL at \(configuration.endpoint) returned \(ids.count) ids for a batch of \(requests.count) tasks.")
        }
        return zip(ids, requests).map { id, request in
            var record = TaskRecord(id: TaskResultID(id), request: request, enqueuedAt: now)
            record.runAfter = request.runAfter ?? now
            return record
        }
    }
}
