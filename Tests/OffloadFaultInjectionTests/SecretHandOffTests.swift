import Foundation
import Offload
import OffloadPostgres
import OffloadProcessTesting
import OffloadTesting
import Testing

/// A supervisor given a PostgreSQL URL with its password in it: the password must not reach its log, its
/// workers' arguments (every user reads those in `ps`), nor the processes its workers' tasks start.
@Suite("Faults: a database password in the supervisor's URL", .serialized)
struct SecretHandOffTests {
    static let serverURL = ProcessInfo.processInfo.environment["OFFLOAD_TEST_POSTGRES_URL"]
    static let skipReason: Comment = "OFFLOAD_TEST_POSTGRES_URL is not set: run `eval \"$(.ci/postgres start)\"` to test against a real PostgreSQL server"

    @Test("the URL's password stays out of the log, the workers' arguments and their tasks' environment; every task ends SUCCESSFUL once", .enabled(if: serverURL?.isEmpty == false, skipReason))
    func passwordNeverShown() async throws {
        let (url, password) = try Self.urlWithPassword()
        let store = try await PostgresTaskStore(url: url, environment: [:])
        let supervisor = try await SupervisorProcess.start(queues: ["default": 2], arguments: ["--database", url])
        try await supervisor.waitUntilReady()

        let ids = try await (0..<10).asyncMap { index in
            try await store.enqueue(TaskRequest(taskName: "test.record", arguments: #"{"label": "t\#(index)"}"#)).id
        }
        let probe = try await store.enqueue(TaskRequest(taskName: "test.environment", arguments: #"{"variable": "OFFLOAD_DATABASE_PASSWORD"}"#)).id
        let records = try await waitFor("every task to finish", timeout: .seconds(60)) { () async throws -> [TaskRecord]? in
            var records: [TaskRecord] = []
            for id in ids + [probe] { records.append(try await store.record(id: id)) }
            return records.allSatisfy { $0.status.isFinished } ? records : nil
        }
        #expect(records.allSatisfy { $0.status == .successful && $0.attempts == 1 }, "\(records.map { ($0.id, $0.status, $0.attempts, $0.errors.last?.message ?? "") })")
        #expect(records.last?.returnValue == #""unset""#, "the worker keeps the handed-down password out of what its tasks inherit")

        let workers = try supervisor.status().workers.map(\.pid)
        #expect(workers.count == 2)
        for pid in workers {
            let arguments = Self.commandLine(of: pid)
            #expect(arguments.contains("--database"), "worker \(pid): \(arguments)")
            #expect(!arguments.contains(password), "worker \(pid) has the password in its arguments")
        }
        #expect(!supervisor.log.contains { $0.contains(password) }, "the supervisor's log shows the password")
        #expect(supervisor.logContains("127.0.0.1"), "the log still says which database")
        #expect(supervisor.logContains("--database holds a password"), "the supervisor warns that its own arguments show the password")

        let exit = await supervisor.stop()
        #expect(exit == .exited(0), "the supervisor stops cleanly: \(exit)")
        #expect(workers.allSatisfy(processIsGone))
        #expect(livePIDs(mentioning: supervisor.directory.path).isEmpty)
        await store.shutdown()
        // The schema stays: `.ci/postgres stop` deletes the throwaway server's whole database.
    }

    /// The test server's URL with the password from its passfile written into it, and a schema of its own.
    static func urlWithPassword() throws -> (url: String, password: String) {
        let server = try #require(serverURL)
        var components = try #require(URLComponents(string: server))
        let passfile = try #require(components.queryItems?.first { $0.name == "passfile" }?.value)
        let line = try #require(try String(contentsOfFile: passfile, encoding: .utf8).split(separator: "\n").first)
        let password = String(try #require(line.split(separator: ":").last))
        components.password = password
        let schema = "offload_f_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        components.queryItems = (components.queryItems ?? []).filter { $0.name != "passfile" } + [URLQueryItem(name: "schema", value: schema)]
        return (try #require(components.string), password)
    }

    static func commandLine(of pid: Int32) -> String {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return "" }
        return String(decoding: data.map { $0 == 0 ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
    }
}

extension Sequence {
    fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
