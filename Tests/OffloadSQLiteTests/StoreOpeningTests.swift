import Foundation
import GRDB
import Offload
import OffloadSQLite
import OffloadTesting
import Testing

@Suite("Opening the SQLite store")
struct StoreOpeningTests {
    @Test("a new database and its WAL files are readable by their owner only")
    func newFilesAreOwnerOnly() throws {
        let fixture = try StoreFixture()
        try fixture.enqueue()
        for suffix in ["", "-wal", "-shm"] {
            let attributes = try FileManager.default.attributesOfItem(atPath: fixture.path + suffix)
            let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue
            #expect(mode == 0o600, "\(fixture.path + suffix) has mode \(String(mode ?? 0, radix: 8))")
        }
    }

    @Test("the database is in WAL mode with synchronous=NORMAL")
    func walAndSynchronousNormal() throws {
        let fixture = try StoreFixture()
        let (journal, synchronous) = try fixture.store.pool.read { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"))
        }
        #expect(journal == "wal")
        #expect(synchronous == 1)
    }

    @Test("a missing directory is reported with the directory to create")
    func missingDirectoryIsExplained() {
        let directory = TemporaryDirectory()
        let path = directory.file("no/such/dir/tasks.sqlite3")
        #expect {
            try SQLiteTaskStore(path: path)
        } throws: { error in
            let error = try #require(error as? OffloadError)
            return error.code == .databaseUnavailable && error.message.contains("mkdir -p \(directory.path)/no/such/dir")
        }
    }

    @Test("a file that is not a database is reported as such")
    func corruptFileIsExplained() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("tasks.sqlite3")
        try Data(repeating: 0x42, count: 8192).write(to: URL(fileURLWithPath: path))
        // Owner-only, as Offload creates it: a file others may read is refused before SQLite looks inside.
        chmod(path, 0o600)
        #expect {
            try SQLiteTaskStore(path: path)
        } throws: { error in
            let error = try #require(error as? OffloadError)
            return error.code == .databaseCorrupt && error.message.contains(path)
        }
    }

    @Test("writing a read-only database is reported with what to fix")
    func readOnlyDatabaseIsExplained() throws {
        let fixture = try StoreFixture()
        // Permission bits do not stop root (CI runs as root), so open the file read-only as SQLite sees it.
        var configuration = SQLiteStoreConfiguration()
        configuration.readOnly = true
        let readOnly = try SQLiteTaskStore(path: fixture.path, configuration: configuration)
        #expect {
            try readOnly.enqueue(TaskRequest(taskName: "t")) as TaskRecord
        } throws: { error in
            let error = try #require(error as? OffloadError)
            return error.code == .databaseReadOnly && error.message.contains("write permission")
        }
    }

    @Test("a read-only open of a missing database does not create it")
    func readOnlyOpenOfMissingFile() {
        let directory = TemporaryDirectory()
        var configuration = SQLiteStoreConfiguration()
        configuration.readOnly = true
        #expect(throws: OffloadError.self) {
            try SQLiteTaskStore(path: directory.file("absent.sqlite3"), configuration: configuration)
        }
        #expect(!FileManager.default.fileExists(atPath: directory.file("absent.sqlite3")))
    }

    @Test("a database locked longer than the busy timeout fails with a busy error; a shorter lock is waited for")
    func lockedDatabase() async throws {
        let fixture = try StoreFixture { $0.busyTimeout = .milliseconds(200) }
        let other = try DatabaseQueue(path: fixture.path)
        let release = DispatchSemaphore(value: 0)
        let locked = DispatchSemaphore(value: 0)
        let holder = Thread {
            try? other.inDatabase { db in
                try db.execute(sql: "BEGIN IMMEDIATE")
                locked.signal()
                release.wait()
                try db.execute(sql: "COMMIT")
            }
        }
        holder.start()
        locked.wait()
        #expect {
            try fixture.enqueue()
        } throws: { error in
            let error = try #require(error as? OffloadError)
            return error.code == .databaseBusy && error.message.contains("busy timeout")
        }
        // Release the lock shortly after a new enqueue starts waiting: the enqueue must succeed.
        let releaser = Thread {
            usleep(50_000)
            release.signal()
        }
        releaser.start()
        let record = try fixture.enqueue()
        #expect(record.status == .pending)
    }

    @Test("a malformed row is reported with its id instead of crashing")
    func malformedRowIsExplained() throws {
        let fixture = try StoreFixture()
        let record = try fixture.enqueue()
        try fixture.store.pool.write { db in
            try db.execute(sql: "UPDATE offload_task SET errors = 'not json' WHERE id = ?", arguments: [record.id.rawValue])
        }
        #expect {
            try fixture.record(record.id)
        } throws: { error in
            let error = try #require(error as? OffloadError)
            return error.code == .invalidStoredRow && error.message.contains("Task \(record.id)")
        }
    }
}
