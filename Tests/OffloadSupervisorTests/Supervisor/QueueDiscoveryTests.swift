import Foundation
import Offload
import OffloadProcessTesting
import OffloadSupervisor
import OffloadTesting
import Testing

@Suite("Supervisor: the queues the worker's tasks declare are served, and a queue nobody serves is reported", .serialized)
struct QueueDiscoveryTests {
    /// Makes the test worker register tasks on the `images` and `payments` queues.
    static let declaring = ["OFFLOAD_TEST_DECLARE_QUEUES": "1"]

    @Test("--queue-name \"*\" serves every queue the worker's tasks declare plus the configured ones, and says where each came from")
    func declaredQueuesAreServed() async throws {
        let supervisor = try await SupervisorProcess.start(queues: ["default": 1], environment: Self.declaring)
        try await supervisor.waitForLog("serving queue images: declared by the worker's tasks")
        try await supervisor.waitForLog("serving queue payments: declared by the worker's tasks")
        try await supervisor.waitForLog("serving queue default: declared by the worker's tasks and configured (command-line flag --queues)")
        let status = try await supervisor.waitUntilReady()
        #expect(Set(status.queues.map(\.name)) == ["default", "images", "payments"], "\(status)")
        let id = try supervisor.enqueue("test.resize-image", arguments: #"{"label": "cat.png"}"#, queue: "images")
        let record = try await supervisor.waitForStatus(id, [.successful, .failed])
        #expect(record.status == .successful, "\(record)")
        #expect(await supervisor.stop() == .exited(0))
    }

    @Test("a worker too old to know --describe-tasks (exit 64) is served the configured queues, with a warning")
    func oldWorkerFallsBackToConfiguredQueues() async throws {
        let directory = TemporaryDirectory("offload-supervisor")
        let worker = directory.file("old-worker")
        let script = """
            #!/bin/sh
            if [ "$1" = --describe-tasks ]; then echo "Error: Unknown option '--describe-tasks'" >&2; exit 64; fi
            exec '\(BuiltProducts.path(of: "TestWorker"))' "$@"

            """
        try script.write(toFile: worker, atomically: true, encoding: .utf8)
        chmod(worker, 0o700)
        let supervisor = try await SupervisorProcess.start(queues: ["default": 1], directory: directory, worker: worker, environment: Self.declaring)
        try await supervisor.waitForLog("does not know --describe-tasks (exit 64")
        let status = try await supervisor.waitUntilReady()
        #expect(status.queues.map(\.name) == ["default"], "\(status)")
        let id = try supervisor.enqueue("test.record", arguments: #"{"label": "still runs"}"#)
        #expect(try await supervisor.waitForStatus(id, [.successful, .failed]).status == .successful)
        #expect(await supervisor.stop() == .exited(0))
    }

    @Test("--workers for a queue neither declared nor configured exits 64 naming the known queues")
    func workerCountForUnknownQueueFlag() async throws {
        let directory = TemporaryDirectory("offload-supervisor")
        let run = try await SupervisorRun.run(
            ["--worker", BuiltProducts.path(of: "TestWorker"), "--database", directory.file("tasks.sqlite3"), "--no-reload",
             "--control-socket", directory.file("ctl.sock"), "--workers", "default=1,imagez=2"],
            environment: Self.declaring, workingDirectory: directory.path)
        #expect(run.status == .exited(64), "\(run)")
        #expect(run.output.contains("queue imagez"), "\(run)")
        #expect(run.output.contains("Known queues: default, images, payments"), "\(run)")
        #expect(livePIDs(mentioning: directory.path).isEmpty)
    }

    @Test("workers = in the configuration file for an unknown queue exits 78 naming the file and the known queues")
    func workerCountForUnknownQueueFile() async throws {
        let directory = TemporaryDirectory("offload-supervisor")
        let config = directory.file("offload.conf")
        try "workers = default=1, imagez=2\n".write(toFile: config, atomically: true, encoding: .utf8)
        chmod(config, 0o600)
        let run = try await SupervisorRun.run(
            ["--worker", BuiltProducts.path(of: "TestWorker"), "--database", directory.file("tasks.sqlite3"), "--no-reload",
             "--control-socket", directory.file("ctl.sock"), "--config", config],
            environment: Self.declaring, workingDirectory: directory.path)
        #expect(run.status == .exited(78), "\(run)")
        #expect(run.output.contains("queue imagez") && run.output.contains(config), "\(run)")
        #expect(run.output.contains("Known queues: default, images, payments"), "\(run)")
    }

    @Test("tasks on a queue no worker serves are reported in the log, ctl status and offload counts, until they are served")
    func unservedQueueIsReported() async throws {
        let supervisor = try await SupervisorProcess.start(queues: ["default": 1])
        try await supervisor.waitUntilReady()
        let requests = (0..<3).map { TaskRequest(taskName: "test.record", queueName: "imagez", arguments: #"{"label": "typo \#($0)"}"#) }
        _ = try supervisor.store.enqueue(batch: requests)
        let warning = "3 tasks waiting on queue imagez, which no worker serves"
        try await supervisor.waitForLog(warning)
        try await waitUntil("ctl status to show the queue") { StatusTable.render(try supervisor.status()).contains("warning: \(warning)") }
        let counts = try await OffloadCommandRun.result(of: ["counts", "--database", supervisor.database])
        #expect(counts.exitStatus == 0, "\(counts)")
        let imagezRow = counts.standardOutput.split(separator: "\n").first { $0.hasPrefix("imagez ") }
        #expect(imagezRow?.hasSuffix("[no worker]") == true, "\(counts)")
        #expect(counts.standardOutput.contains("warning: \(warning)"), "\(counts)")
        #expect(supervisor.log.filter { $0.contains(warning) }.count == 1, "logged once, not every check")

        // A worker for the queue (a standalone one, as on another host) runs the tasks.
        let worker = Process()
        worker.executableURL = URL(fileURLWithPath: BuiltProducts.path(of: "TestWorker"))
        worker.arguments = ["--queue-name", "imagez", "--database", supervisor.database, "--batch"]
        // Waited for through its termination handler: `waitUntilExit` would hold a cooperative thread meanwhile.
        let workerStatus: Int32 = try await withCheckedThrowingContinuation { continuation in
            worker.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try worker.run()
            } catch {
                worker.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        #expect(workerStatus == 0)
        try await supervisor.waitForLog("queue imagez no longer has tasks waiting without a worker")
        try await waitUntil("ctl status to drop the warning") { try supervisor.status().unservedQueues == [] }
        let after = try await OffloadCommandRun.result(of: ["counts", "--database", supervisor.database])
        #expect(!after.standardOutput.contains("no worker"), "\(after)")
        #expect(await supervisor.stop() == .exited(0))
    }
}
