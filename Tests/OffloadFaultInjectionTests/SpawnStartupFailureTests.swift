import Foundation
import Offload
import OffloadProcessTesting
import OffloadTesting
import OffloadWorker
import Testing

@Suite("Faults: workers that cannot start", .serialized)
struct SpawnStartupFailureTests {
    @Test("a worker that exits 78 (configuration) during start-up halts its queue at once, and status quotes the worker's message", arguments: [
        ("--database postgres://offload@localhost:99999/app", WorkerExitCode.configurationError, "99999"),
        ("--concurrency 0", WorkerExitCode.usage, "--concurrency must be at least 1"),
    ])
    func permanentStartupFailureHaltsAtOnce(extraArguments: String, status: Int32, message: String) async throws {
        let directory = TemporaryDirectory("offload-supervisor")
        // The real test worker, with an argument the supervisor did not give it appended: a worker
        // binary whose own configuration is wrong, as after a bad deploy.
        let worker = directory.file("misconfigured-worker")
        try "#!/bin/sh\nexec '\(BuiltProducts.path(of: "TestWorker"))' \"$@\" \(extraArguments)\n".write(toFile: worker, atomically: true, encoding: .utf8)
        chmod(worker, 0o700)
        let supervisor = try await SupervisorProcess.start(directory: directory, worker: worker)

        let halted = try await supervisor.explainingTimeout {
            try await waitFor("the queue to halt") { (try? supervisor.status())?.queues.first { $0.halted != nil }?.halted }
        }
        #expect(halted.contains("status \(status)"), "\(halted)")
        #expect(halted.contains(message), "\(halted)")
        try await supervisor.explainingTimeout {
            try await waitUntil("the halt to be logged with the worker's message") { supervisor.log.contains { $0.contains("halted") && $0.contains(message) } }
        }
        #expect(supervisor.log.filter { $0.contains("spawned worker") }.count == 1, "one attempt, no retries: restarting cannot help")
        #expect(try supervisor.status().phase == "running")

        #expect(await supervisor.stop() == .exited(0))
        #expect(livePIDs(mentioning: directory.path).isEmpty)
    }
}
