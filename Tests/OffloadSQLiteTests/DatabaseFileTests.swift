import Foundation
import GRDB
import Offload
import OffloadSQLite
import OffloadTesting
import Testing

/// The database in a directory other users can write: what a stranger could plant there must be refused.
@Suite("Opening the SQLite store: files others could have planted")
struct DatabaseFileTests {
    func expectRefused(_ path: String, mentioning text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(sourceLocation: sourceLocation) {
            try SQLiteTaskStore(path: path)
        } throws: { error in
            let error = try #require(error as? OffloadError)
            return error.code == .databaseUnavailable && error.message.contains(path) && error.message.contains(text)
        }
    }

    @Test("a symbolic link at the database's path is refused, and its target is left untouched")
    func symlinkIsRefused() throws {
        let directory = TemporaryDirectory()
        let target = directory.file("strangers.sqlite3")
        let path = directory.file("tasks.sqlite3")
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
        expectRefused(path, mentioning: "symbolic link")
        #expect(!FileManager.default.fileExists(atPath: target), "nothing was created through the link")
    }

    @Test("a symbolic link planted as the -wal or -shm file is refused")
    func walSymlinkIsRefused() throws {
        for suffix in ["-wal", "-shm"] {
            let fixture = try StoreFixture()
            let path = fixture.path
            try fixture.store.pool.close()
            try? FileManager.default.removeItem(atPath: path + suffix)
            try FileManager.default.createSymbolicLink(atPath: path + suffix, withDestinationPath: fixture.directory.file("elsewhere"))
            expectRefused(path + suffix, mentioning: "symbolic link")
        }
    }

    @Test("a database pre-created by another user is refused, naming its owner")
    func foreignOwnerIsRefused() throws {
        try #require(getuid() == 0, "only root can give a file to another user")
        let directory = TemporaryDirectory()
        chmod(directory.path, 0o1777)
        let path = directory.file("tasks.sqlite3")
        #expect(FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]))
        #expect(chown(path, 65534, 65534) == 0)
        expectRefused(path, mentioning: "uid 65534")
    }

    @Test("a database that other users may read or write is refused, saying how to fix it")
    func openModeIsRefused() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("tasks.sqlite3")
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        chmod(path, 0o666)
        expectRefused(path, mentioning: "chmod 600")
    }

    @Test("a database deleted or replaced under an open store is detected: enqueues fail loudly instead of landing in the old file")
    func replacedDatabaseIsDetected() throws {
        for replace in ["delete", "rename"] {
            let fixture = try StoreFixture()
            try fixture.enqueue()
            let backup = fixture.directory.file("backup.sqlite3")
            _ = try SQLiteTaskStore(path: backup)
            if replace == "delete" {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: fixture.path + suffix) }
            } else {
                #expect(rename(backup, fixture.path) == 0)
            }
            #expect {
                try fixture.enqueue()
            } throws: { error in
                let error = try #require(error as? OffloadError)
                return error.code == .databaseUnavailable && error.message.contains("replaced") && error.message.contains(fixture.path)
            }
        }
    }
}
