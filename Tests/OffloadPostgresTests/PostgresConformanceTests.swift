import Foundation
import Logging
import Offload
import OffloadPostgres
import OffloadTesting
import Testing

@Suite("PostgreSQL store conformance", .enabled(if: PostgresTestServer.isConfigured, PostgresTestServer.skipReason))
struct PostgresConformanceTests {
    @Test("the PostgreSQL store behaves as every task store must", arguments: StoreConformance.checks)
    func conformance(_ check: ConformanceCheck) async {
        let failures = await StoreConformance.run(check) { try await PostgresTestServer.subject() }
        #expect(failures.isEmpty, "\(check.name):\n\(failures.joined(separator: "\n"))")
    }
}
