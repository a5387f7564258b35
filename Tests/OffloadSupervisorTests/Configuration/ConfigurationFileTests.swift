import Foundation
import OffloadSupervisor
import Testing

@Suite("ConfigurationFile")
struct ConfigurationFileTests {
    static let path = "/etc/offload/offload.conf"

    @Test("comments and blank lines are ignored; keys and values are trimmed")
    func commentsAndBlankLines() throws {
        let file = try ConfigurationFile(parsing: """
            # Offload
               # indented comment

            database = /var/lib/offload/offload.sqlite3
            \tworkers=default=2, email=4\t
            worker = /opt/app/bin/worker#2
            """, path: Self.path)

        #expect(file.entries.count == 3)
        #expect(file.entries["database"] == .init(value: "/var/lib/offload/offload.sqlite3", line: 4))
        #expect(file.entries["workers"] == .init(value: "default=2, email=4", line: 5))
        // A "#" after a value belongs to it: only whole lines are comments.
        #expect(file.entries["worker"]?.value == "/opt/app/bin/worker#2")
    }

    @Test("Windows line endings and a byte-order mark are tolerated")
    func crlfAndByteOrderMark() throws {
        let file = try ConfigurationFile(parsing: "\u{FEFF}queues = default\r\nconcurrency = 2\r\n", path: Self.path)

        #expect(file.entries["queues"] == .init(value: "default", line: 1))
        #expect(file.entries["concurrency"] == .init(value: "2", line: 2))
    }

    @Test("an unknown key is an error naming the file and the line")
    func unknownKeyNamesFileAndLine() {
        let error = #expect(throws: ConfigurationError.self) {
            try ConfigurationFile(parsing: "# comment\nqueues = default\nworkers-per-queue = 3\n", path: Self.path)
        }

        #expect(error?.code == .unknownKey)
        #expect(error?.path == Self.path)
        #expect(error?.line == 3)
        #expect(error?.message.hasPrefix("/etc/offload/offload.conf:3: unknown key \"workers-per-queue\"") == true)
    }

    @Test("an unknown key close to a known one suggests it", arguments: [
        ("graceful_timeout", "graceful-timeout"), ("OFFLOAD_GRACEFUL_TIMEOUT", "graceful-timeout"),
        ("gracefull-timeout", "graceful-timeout"), ("queue", "queues"),
    ])
    func unknownKeySuggestsTheClosest(typed: String, suggested: String) {
        let error = #expect(throws: ConfigurationError.self) {
            try ConfigurationFile(parsing: "\(typed) = 1", path: Self.path)
        }
        #expect(error?.code == .unknownKey)
        #expect(error?.message.contains("did you mean \"\(suggested)\"?") == true)
    }

    @Test("an unknown key far from every known key lists them all")
    func unknownKeyListsKnownKeys() {
        let error = #expect(throws: ConfigurationError.self) { try ConfigurationFile(parsing: "colour = red", path: Self.path) }

        #expect(error?.message.contains("known keys: concurrency, control-socket, database") == true)
    }

    @Test("a line that is not key = value is malformed", arguments: ["just words", "= 3"])
    func malformedLine(line: String) {
        let error = #expect(throws: ConfigurationError.self) {
            try ConfigurationFile(parsing: "queues = default\n\(line)", path: Self.path)
        }

        #expect(error?.code == .malformedLine)
        #expect(error?.line == 2)
        #expect(error?.message.hasPrefix("/etc/offload/offload.conf:2: ") == true)
    }

    @Test("a key set twice names both lines")
    func duplicateKeyNamesBothLines() {
        let error = #expect(throws: ConfigurationError.self) {
            try ConfigurationFile(parsing: "workers = 2\n\nworkers = 3", path: Self.path)
        }

        #expect(error?.code == .duplicateKey)
        #expect(error?.line == 3)
        #expect(error?.message.contains("already set on line 1") == true)
    }

    @Test("a key with no value is an error, not an empty setting")
    func emptyValue() {
        let error = #expect(throws: ConfigurationError.self) { try ConfigurationFile(parsing: "watch =   ", path: Self.path) }

        #expect(error?.code == .emptyValue)
        #expect(error?.line == 1)
    }

    @Test("a line that is not UTF-8 is an error naming it")
    func invalidUTF8NamesTheLine() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("offload-\(UUID().uuidString).conf")
        try Data("queues = default\nworker = /opt/caf".utf8 + [0xE9] + Data("\n".utf8)).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }

        let error = #expect(throws: ConfigurationError.self) { try ConfigurationFile(contentsOf: url.path) }

        #expect(error?.code == .invalidEncoding)
        #expect(error?.line == 2)
    }

    @Test("a file is read from disk, and a missing one is an error saying why")
    func readsFromDisk() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("offload-\(UUID().uuidString).conf")
        try Data("concurrency = 4\n".utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }

        #expect(try ConfigurationFile(contentsOf: url.path).entries["concurrency"]?.value == "4")

        try FileManager.default.removeItem(at: url)
        let error = #expect(throws: ConfigurationError.self) { try ConfigurationFile(contentsOf: url.path) }
        #expect(error?.code == .unreadableFile)
        #expect(error?.message.contains("No such file or directory") == true)
        #expect(error?.message.contains(url.path) == true)
    }

    @Test("the shipped etc/offload.conf parses and documents every known key with its environment variable")
    func shippedExampleDocumentsEveryKey() throws {
        let path = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("etc/offload.conf").path
        let file = try ConfigurationFile(contentsOf: path)
        let text = try String(contentsOfFile: path, encoding: .utf8)

        #expect(file.entries["database"]?.value == "/var/lib/offload/offload.sqlite3")
        #expect(file.entries["reload"]?.value == "false")
        for key in ConfigurationFile.knownKeys {
            let documented = text.contains("\n\(key) = ") || text.contains("\n# \(key) = ")
            #expect(documented, "\(key) has no example line")
            #expect(text.contains(ConfigurationFile.environmentVariable(for: key)), "\(key)'s variable is not named")
        }
    }
}
