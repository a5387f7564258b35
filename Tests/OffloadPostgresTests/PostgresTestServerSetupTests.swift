import Foundation
import Testing

/// What `.ci/postgres start` leaves on disk: the test password must be as private as a production one.
@Suite("The test server's setup")
struct PostgresTestServerSetupTests {
    @Test("the test password file lives in a directory only its owner can enter, not in the shared temporary directory", .enabled(if: PostgresTestServer.isConfigured, PostgresTestServer.skipReason))
    func passwordFileIsPrivate() throws {
        let raw = try #require(PostgresTestServer.url)
        let url = try #require(URLComponents(string: raw))
        let passfile = try #require(url.queryItems?.first { $0.name == "passfile" }?.value)
        let directory = (passfile as NSString).deletingLastPathComponent
        var file = stat()
        var parent = stat()
        try #require(lstat(passfile, &file) == 0)
        try #require(lstat(directory, &parent) == 0)
        // A predictable name in a world-writable directory can be pre-created by another user, who then reads it.
        #expect(file.st_mode & S_IFMT == S_IFREG)
        #expect(file.st_mode & 0o077 == 0)
        #expect(parent.st_mode & S_IFMT == S_IFDIR)
        #expect(parent.st_mode & 0o077 == 0, "the password file's directory \(directory) is open to other users (mode \(String(parent.st_mode & 0o7777, radix: 8)))")
        #expect(parent.st_uid == getuid() || getuid() == 0)
    }
}
