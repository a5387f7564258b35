import Foundation
import Logging
import Offload
import OffloadPostgres
import OffloadTesting
import PostgresNIO
import Testing

@Suite("PostgreSQL store conformance", .enabled(if: PostgresTestServer.isConfigured, PostgresTestServer.skipReason))
struct PostgresConformanceTests {
    @Test("the PostgreSQL store behaves as every task store must", arguments: StoreConformance.checks)
    func conformance(_ check: ConformanceCheck) async {
        let failures = await StoreConformance.run(check) { try await Self.subject() }
        #expect(failures.isEmpty, "\(check.name):\n\(failures.joined(separator: "\n"))")
    }

    /// The test server's subject, able to write garbage into a row.
    static func subject() async throws -> StoreUnderTest {
        var subject = try await PostgresTestServer.subject()
        let store = try #require(subject.store as? PostgresTaskStore)
        let table = "\"\(store.configuration.schema)\".offload_task"
        subject.poison = { id, value in
            try await store.withTransaction { connection in
                _ = try await connection.query(PostgresQuery(unsafeSQL: "UPDATE \(table) SET \(value.assignment) WHERE id = \(id.rawValue)"), logger: PostgresTestServer.logger)
            }
        }
        subject.poisonedValues = poisonedValues
        return subject
    }

    /// PostgreSQL's column types keep out text in numbers, but not values out of Offload's range or shape.
    static let poisonedValues = [
        PoisonedValue(column: "errors", assignment: #"errors = '{"not": "a list"}'::jsonb"#, unreadable: true),
        PoisonedValue(column: "worker_ids", assignment: "worker_ids = ARRAY[NULL]::text[]", unreadable: true),
        PoisonedValue(column: "run_after", assignment: "run_after = 'infinity'", unreadable: false),
        PoisonedValue(column: "backoff_max_ms", assignment: "backoff_max_ms = 20000000000000000", unreadable: false),
        PoisonedValue(column: "backoff_initial_ms", assignment: "backoff_initial_ms = -5", unreadable: false),
        PoisonedValue(column: "backoff_jitter", assignment: "backoff_jitter = 'NaN'", unreadable: false),
        PoisonedValue(column: "timeout_ms", assignment: "timeout_ms = -1", unreadable: false),
        PoisonedValue(column: "max_attempts", assignment: "max_attempts = 0", unreadable: false),
        PoisonedValue(column: "attempts", assignment: "attempts = 2147483647", unreadable: false),
    ]
}
