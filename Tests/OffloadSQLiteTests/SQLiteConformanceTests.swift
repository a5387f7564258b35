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
        var subject = StoreUnderTest(
            store: store,
            openAnother: { try SQLiteTaskStore(path: path) },
            corruptErrors: { id in
                try store.pool.write { db in
                    try db.execute(sql: "UPDATE offload_task SET errors = 'not json' WHERE id = ?", arguments: [id.rawValue])
                }
            },
            // Keeps the directory alive until the check is done; removing it deletes the database.
            tearDown: { withExtendedLifetime(directory) {} })
        subject.poison = { id, value in
            try store.pool.write { db in
                try db.execute(sql: "UPDATE offload_task SET \(value.assignment) WHERE id = ?", arguments: [id.rawValue])
            }
        }
        subject.poisonedValues = poisonedValues
        return subject
    }

    /// SQLite stores any value in any column: text, blobs and out-of-range numbers where Offload wrote its own.
    static let poisonedValues = [
        PoisonedValue(column: "worker_ids", assignment: "worker_ids = 'garbage'", unreadable: true),
        PoisonedValue(column: "errors", assignment: "errors = 'not json'", unreadable: true),
        PoisonedValue(column: "run_after", assignment: "run_after = 'soon'", unreadable: true),
        PoisonedValue(column: "backoff_max_ms", assignment: "backoff_max_ms = 20000000000000000", unreadable: false),
        PoisonedValue(column: "backoff_initial_ms", assignment: "backoff_initial_ms = -5", unreadable: false),
        PoisonedValue(column: "backoff_jitter", assignment: "backoff_jitter = 'lots'", unreadable: true),
        PoisonedValue(column: "timeout_ms", assignment: "timeout_ms = 'never'", unreadable: true),
        PoisonedValue(column: "max_attempts", assignment: "max_attempts = 'many'", unreadable: true),
        PoisonedValue(column: "attempts", assignment: "attempts = 9223372036854775807", unreadable: false),
        PoisonedValue(column: "arguments", assignment: "arguments = x'00ff'", unreadable: true),
        PoisonedValue(column: "task_name", assignment: "task_name = x'1b5b33316d'", unreadable: true),
    ]
}
