import Foundation
import Offload
import OffloadPostgres
import OffloadTesting
import PostgresNIO
import Testing

/// Any role that can connect to the database may LISTEN on any channel: what a notification carries is public.
@Suite("PostgreSQL notification payloads", .enabled(if: PostgresTestServer.isConfigured, PostgresTestServer.skipReason))
struct PostgresNotificationPayloadTests {
    @Test("enqueues, batches and retries notify without naming the queue")
    func payloadsNameNoQueue() async throws {
        try await PostgresTestServer.withStore { store, configuration in
            let queue = "payroll_" + UUID().uuidString.prefix(8).lowercased()
            let logger = PostgresTestServer.logger
            let payloads = try await store.client.withConnection { connection in
                try await connection.listen(on: configuration.notificationChannel) { notifications in
                    let failed = try await store.enqueue(TaskRequest(taskName: "single", queueName: queue))
                    _ = try await store.enqueue(batch: [TaskRequest(taskName: "batch", queueName: queue)])
                    _ = try await store.withTransaction { connection in
                        try await connection.query("UPDATE \(unescaped: configuration.schema).offload_task SET status = 'FAILED' WHERE id = \(failed.id.rawValue)", logger: logger).collect()
                    }
                    _ = try await store.retry(id: failed.id, at: Date())
                    return await firstResult(within: .seconds(10), otherwise: nil) { () async -> [String]? in
                        var payloads: [String] = []
                        do {
                            for try await notification in notifications {
                                payloads.append(notification.payload)
                                if payloads.count == 3 { break }
                            }
                        } catch {
                            return nil
                        }
                        return payloads
                    }
                }
            }
            #expect(payloads?.count == 3, "an enqueue, a batch and a retry each notify once")
            #expect(payloads?.allSatisfy { !$0.contains(queue) } == true, "payloads: \(payloads ?? [])")
        }
    }
}
