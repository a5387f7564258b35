import Foundation
import Offload
import OffloadPostgres
import OffloadTesting
import PostgresNIO
import Testing

@Suite("Unique tasks inside the app's PostgreSQL transactions", .enabled(if: PostgresTestServer.isConfigured, PostgresTestServer.skipReason))
struct PostgresUniqueTransactionTests {
    struct Rollback: Error {}

    static func request() -> TaskRequest {
        TaskRequest(taskName: "confirm", arguments: #"{"order":1}"#, unique: UniqueConstraint(key: "order-1"))
    }

    @Test("a unique task enqueued twice in one transaction is stored once; a rollback frees its key")
    func duplicateInsideTheTransaction() async throws {
        try await PostgresTestServer.withStore { store, _ in
            await #expect(throws: Rollback.self) {
                try await store.withTransaction { connection in
                    _ = try await store.enqueueReportingDuplicate(Self.request(), on: connection)
                    throw Rollback()
                }
            }
            let (first, second) = try await store.withTransaction { connection in
                (try await store.enqueueReportingDuplicate(Self.request(), on: connection), try await store.enqueueReportingDuplicate(Self.request(), on: connection))
            }
            #expect(!first.isDuplicate, "the rolled-back task held no key")
            #expect(second.isDuplicate && second.record.id == first.record.id)
            #expect(try await store.enqueue(Self.request()).id == first.record.id, "a later enqueue finds it too")
            #expect(try await store.records(matching: TaskFilter()).count == 1)
        }
    }
}
