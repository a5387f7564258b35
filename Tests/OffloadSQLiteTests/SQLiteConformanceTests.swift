import Foundation
import GRDB
import Offload
import OffloadSQLite
import OffloadTesting
import Testing

@Suite("SQLite store conformance")
struct SQLiteConformanceTests {
    @Test("the SQLite store behaves as every task store must", arguments: StoreConformance.checks)
    func conformance(_ check: ConformanceCheck) async {
        let failures = await StoreConformance.run(check) { try Self.subject() }
        #expect(failures.isEmpty, "\(check.name):\n\(failures.joined(separator: "\n"))")
    }

    /// A store on a fresh database file; other stores open the same file, as other processes would.
    static func subject() throws -> StoreUnderTest {
        let directory = TemporaryDirectory("offload-sqlite-conformance")
        let path = directory.file("tasks.sqlite3")
        let store = try SQLiteTaskStore(path: path)
        return StoreUnderTest(
            store: store,
            openAnother: { try SQLiteTaskStore(path: path) },
            corruptErrors: { id in
                try store.pool.write { db in
                    try db.execute(sql: "UPDATE offload_task SET errors = 'not json' WHERE id = ?", arguments: [id.rawValue])
                }
            },
            // Keeps the directory alive until the check is done; removing it deletes the database.
            tearDown: { withExtendedLifetime(directory) {} })
    }
}
