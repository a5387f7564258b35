import Foundation
import Offload
import OffloadPostgres
import OffloadSupervisor
import OffloadTesting
import Testing

@Suite("Several supervisors on one PostgreSQL database", .enabled(if: PostgresTestServer.isConfigured, PostgresTestServer.skipReason), .serialized)
struct MultiSupervisorTests {
    /// A supervisor process running two test workers against `database`, its output kept.
    struct RunningSupervisor {
        let process: ChildProcess
        let output: LineCollector

        static func start(database: String, directory: TemporaryDirectory, name: String, runLog: String) async throws -> RunningSupervisor {
            var environment = ProcessInfo.processInfo.environment
            environment["OFFLOAD_TEST_RUN_LOG"] = runLog
            environment["NOTIFY_SOCKET"] = nil
            let process = try await ChildProcess.spawn(SpawnRequest(
                executable: BuiltProducts.path(of: "supervisor"),
                arguments: [
                    "--database", database, "--worker", BuiltProducts.path(of: "TestWorker"),
                    "--control-socket", directory.file("\(name).sock"),
                    "--queues", "default", "--workers", "default=2", "--concurrency", "2",
                    "--heartbeat-interval", "0.2", "--stale-worker-timeout", "10", "--log-color", "never", "--no-reload",
                ],
                environment: environment, workingDirectory: directory.path, output: .pipe))
            let output = LineCollector()
            output.collect(process.standardErrorLines)
            return RunningSupervisor(process: process, output: output)
        }
    }

    @Test("two supervisors drain thousands of tasks once each; when one is killed with its workers, the other recovers and finishes its tasks")
    func twoSupervisorsShareTheWork() async throws {
        let schema = PostgresTestServer.uniqueSchema()
        let database = try #require(PostgresTestServer.url) + "&schema=" + schema
        let directory = TemporaryDirectory("offload-multi")
        let runLog = directory.file("runs.log")
        let store = try await PostgresTaskStore.connect(configuration: PostgresTestServer.configuration(schema: schema), logger: PostgresTestServer.logger)
        defer { Task { await PostgresTestServer.dropSchema(schema, using: store); await store.shutdown() } }

        let first = try await RunningSupervisor.start(database: database, directory: directory, name: "first", runLog: runLog)
        let second = try await RunningSupervisor.start(database: database, directory: directory, name: "second", runLog: runLog)
        defer { _ = first.process.send(SIGKILL); _ = second.process.send(SIGKILL) }
        try await waitUntil("four registered workers", timeout: .seconds(60)) { try await store.workers().count == 4 }

        let count = 3000
        let requests = (0..<count).map {
            TaskRequest(taskName: "test.record", arguments: #"{"label": "m\#($0)", "sleepMilliseconds": 2}"#, retry: .exponential(maxAttempts: 2, initial: .milliseconds(10)))
        }
        _ = try await store.enqueue(batch: requests)
        try await waitUntil("some progress", timeout: .seconds(60)) {
            try await store.counts().first.map { $0.successful > count / 5 } ?? false
        }

        // The first supervisor's whole process tree dies at once: the supervisor by SIGKILL, its workers by their lifeline.
        _ = first.process.send(SIGKILL)
        #expect(await first.process.waitForExit() == .signalled(SIGKILL, coreDumped: false))

        try await waitUntil("every task to finish", timeout: .seconds(120)) {
            try await store.counts().first.map { $0.pending == 0 && $0.running == 0 } ?? false
        }
        let records = try await store.records(matching: TaskFilter(limit: count + 10))
        #expect(records.count == count)
        let runs = Dictionary(grouping: (try? String(contentsOfFile: runLog, encoding: .utf8))?.split(separator: "\n").map(String.init) ?? [], by: { $0 })
        var retried = 0
        var ranAgainUncounted = 0
        for record in records {
            let label = try #require(try TaskJSON.decode([String: AnyCodableValue].self, from: record.arguments)["label"]?.text)
            let executions = runs[label]?.count ?? 0
            // A run is logged as the task finishes, so a task killed mid-run was logged once at most. A task the
            // killed host had prefetched (claimed beyond its free slots) goes back uncounted, since the sweep
            // cannot tell whether it had begun: one it had finished without recording runs once more.
            #expect(record.status == .successful || record.status == .failed, "\(label) is \(record.status)")
            #expect(executions <= record.attempts + 1, "\(label) ran \(executions) times in \(record.attempts) attempt(s)")
            if executions > record.attempts { ranAgainUncounted += 1 }
            if record.status == .successful { #expect(executions >= 1) }
            if record.attempts > 1 {
                retried += 1
                #expect(record.errors.first?.exceptionType == TaskFailureKind.workerLost || record.errors.first?.exceptionType == TaskFailureKind.workerDied)
            }
        }
        #expect(retried + ranAgainUncounted > 0, "the killed supervisor's workers held tasks that were recovered")
        #expect(second.output.lines.contains { $0.contains("recovered task") })
        let workerIDs = Set(records.flatMap(\.workerIDs).map { $0.split(separator: "@").last.map(String.init) ?? $0 })
        #expect(workerIDs.count == 2, "both supervisors' workers ran tasks: \(workerIDs)")
    }
}

/// The `label` argument, read without knowing the task's Swift types.
struct AnyCodableValue: Codable {
    let text: String?
    init(from decoder: any Decoder) throws {
        text = try? decoder.singleValueContainer().decode(String.self)
    }
    func encode(to encoder: any Encoder) throws {}
}

/// Collects a child's output lines for assertions.
final class LineCollector: Sendable {
    private let storage = Mutex<[String]>([])
    var lines: [String] { storage.withLock { $0 } }
    func collect(_ stream: AsyncStream<String>) {
        // Detached: the collection lasts as long as the child, beyond any one scope of the test.
        Task.detached { [self] in
            for await line in stream { append(line) }
        }
    }

    private func append(_ line: String) {
        storage.withLock { $0.append(line) }
    }
}

import Synchronization
