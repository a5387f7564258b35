import Foundation
import Offload
import OffloadPostgres
import OffloadSQLite
import OffloadSupervisor
import OffloadTesting
import Testing

/// Eight real processes enqueue the same unique task at the same moment: the database must store one.
@Suite("Unique tasks: eight processes racing to enqueue the same task", .serialized)
struct UniqueEnqueueRaceTests {
    static let postgresURL = ProcessInfo.processInfo.environment["OFFLOAD_TEST_POSTGRES_URL"]
    static let skipReason: Comment = "OFFLOAD_TEST_POSTGRES_URL is not set: run `eval \"$(.ci/postgres start)\"` to test against a real PostgreSQL server"

    @Test("on SQLite, eight processes enqueueing one unique task store exactly one, and all return it")
    func sqliteRace() async throws {
        let directory = TemporaryDirectory("offload-unique-race")
        let path = directory.file("tasks.sqlite3")
        let store = try SQLiteTaskStore(path: path)
        try await race(database: path, barrier: directory.file("go"), store: store)
    }

    @Test("on PostgreSQL, eight processes enqueueing one unique task store exactly one, and all return it", .enabled(if: postgresURL?.isEmpty == false, skipReason))
    func postgresRace() async throws {
        let schema = "offload_t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        let url = try #require(Self.postgresURL) + "&schema=\(schema)"
        let store = try await PostgresTaskStore(url: url, environment: [:])
        let directory = TemporaryDirectory("offload-unique-race-pg")
        do {
            try await race(database: url, barrier: directory.file("go"), store: store)
        } catch {
            await store.shutdown()
            throw error
        }
        await store.shutdown()
        // The schema stays: `.ci/postgres stop` deletes the throwaway server's whole database.
    }

    /// Starts eight `TestWorker enqueue-unique` processes, waits until each has its store open, opens the
    /// barrier for all at once, and checks their answers and the table.
    func race(database: String, barrier: String, store: any TaskStore) async throws {
        var children: [ChildProcess] = []
        var iterators: [AsyncStream<String>.AsyncIterator] = []
        for _ in 0..<8 {
            let child = try await ChildProcess.spawn(SpawnRequest(
                executable: BuiltProducts.path(of: "TestWorker"),
                arguments: ["enqueue-unique", database, barrier], output: .pipe))
            children.append(child)
            iterators.append(child.standardOutputLines.makeAsyncIterator())
        }
        for index in iterators.indices {
            let line = await iterators[index].next()
            #expect(line == "ready", "process \(index) said \(line ?? "nothing") before the barrier")
        }
        try Data().write(to: URL(fileURLWithPath: barrier))
        var answers: [String] = []
        for index in iterators.indices {
            answers.append(await iterators[index].next() ?? "nothing")
        }
        for child in children {
            let status = await child.waitForExit()
            #expect(status == .exited(0), "an enqueuing process ended with \(status)")
        }
        let enqueued = answers.filter { $0.hasPrefix("enqueued ") }
        #expect(enqueued.count == 1, "exactly one process stores the task: \(answers)")
        #expect(Set(answers.map { $0.split(separator: " ").last ?? "" }).count == 1, "every process returns the same task: \(answers)")
        #expect(answers.allSatisfy { $0.hasPrefix("enqueued ") || $0.hasPrefix("duplicate ") }, "\(answers)")
        let rows = try await store.records(matching: TaskFilter(limit: 100))
        #expect(rows.count == 1, "rows stored: \(rows.map(\.id))")
    }
}
