import Foundation
import Offload
import OffloadProcessTesting
import OffloadTesting
import Testing

@Suite("Faults: the disk under the database fills up", .serialized)
struct DiskFullTests {
    /// The database lives on a small tmpfs of its own, filled by a file the test then deletes: a real
    /// ENOSPC for every process, as on a full volume.
    @Test(
        "on a full disk the worker backs off and logs once per interval instead of spinning; once space is freed it finishes every task by itself",
        .enabled(if: getuid() == 0, "mounting a small tmpfs needs root"))
    func fullDiskIsWaitedOut() async throws {
        let directory = TemporaryDirectory("offload-disk-full")
        try #require(mount("tmpfs", directory.path, "tmpfs", 0, "size=16m,mode=0700") == 0, "mount: \(String(cString: strerror(errno)))")
        defer { umount2(directory.path, Int32(MNT_DETACH)) }
        let supervisor = try await SupervisorProcess.start(queues: ["default": 1], directory: directory)
        try await supervisor.waitUntilReady()
        let ids = try (0..<30).map { try supervisor.enqueue("test.record", arguments: #"{"label": "t\#($0)", "sleepMilliseconds": 100}"#) }
        try await waitUntil("the worker to be draining the queue") { supervisor.runs().count >= 2 }

        let filler = directory.file("filler")
        try fillTheDisk(with: filler)
        let failuresBefore = workerErrorLines(supervisor).count
        try await waitUntil("the worker to meet the full disk", timeout: .seconds(30)) { workerErrorLines(supervisor).count > failuresBefore }
        // The disk stays full for 5 s: long enough for a worker that retries at once to write thousands of lines.
        let start = workerErrorLines(supervisor).count
        try await Task.sleep(for: .seconds(5))
        let logged = workerErrorLines(supervisor).count - start
        // Two sources may each log in a 5 s window: the claim loop's back-off (once per interval) and the
        // registry heartbeat (every 5 s, so a window can hold two of them: a CI run counted 3). A worker that
        // retried at once would log thousands.
        #expect(logged <= 5, "error lines while the disk was full for 5 s: \(logged); last: \(workerErrorLines(supervisor).suffix(3))")
        #expect(try supervisor.status().queues.allSatisfy { $0.halted == nil })

        try FileManager.default.removeItem(atPath: filler)
        let audit = try await supervisor.explainingTimeout { try await auditWhenFinished(ids, in: supervisor.store) }
        #expect(audit.failures.isEmpty, "\(audit)")
        #expect(await supervisor.stop() == .exited(0))
        #expect(livePIDs(mentioning: directory.path).isEmpty)
    }

    /// Writes to `path` until the file system says ENOSPC.
    private func fillTheDisk(with path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        try #require(fd >= 0)
        defer { close(fd) }
        let chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let written = chunk.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                try #require(errno == ENOSPC, "filling the disk: \(String(cString: strerror(errno)))")
                return
            }
        }
    }

    /// Error and warning lines the workers wrote (forwarded by the supervisor with a `[queue.n pid]` prefix).
    private func workerErrorLines(_ supervisor: SupervisorProcess) -> [String] {
        supervisor.log.filter { $0.hasPrefix("[default.") && ($0.contains(" error ") || $0.contains(" warning ")) }
    }
}
