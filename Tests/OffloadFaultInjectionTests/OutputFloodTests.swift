import Foundation
import Offload
import OffloadProcessTesting
import OffloadSupervisor
import OffloadTesting
import Testing

@Suite("Faults: worker output floods", .serialized)
struct OutputFloodTests {
    @Test("workers flooding stdout while the supervisor's stdout is stuck: its memory stays bounded, the drops are logged, ctl answers, the tasks succeed")
    func floodIntoStuckOutput() async throws {
        let stuck = try FileDescriptorPipe()  // nobody ever reads its read end
        defer { close(stuck.readEnd) }
        // The default heartbeat timeout (10 s), not the harness's 3 s: in a loaded suite a worker writing as fast
        // as it can went 3.5 s without a heartbeat reaching the busy supervisor and was killed as hung, which is
        // not what this test is about (hang detection has its own tests).
        let supervisor = try await SupervisorProcess.start(queues: ["default": 2], arguments: ["--heartbeat-timeout", "10"], standardOutput: stuck.writeEnd)
        close(stuck.writeEnd)
        try await supervisor.waitUntilReady()
        let baseline = try memoryKiB("VmRSS", of: supervisor.process.pid)

        let ids = try (0..<2).map { _ in try supervisor.enqueue("test.flood", arguments: #"{"megabytes": 64}"#) }
        let audit = try await auditWhenFinished(ids, in: supervisor.store, timeout: .seconds(120))
        #expect(audit.records.allSatisfy { $0.status == .successful }, "\(audit); log: \(supervisor.log.filter { $0.contains("worker") && !$0.hasPrefix("[") }.suffix(12))")
        let peak = try memoryKiB("VmHWM", of: supervisor.process.pid)
        #expect(peak - baseline < 32 * 1024, "the supervisor grew from \(baseline) KiB to a peak of \(peak) KiB while 128 MiB went by")
        #expect(try supervisor.status().phase == "running")
        try await supervisor.explainingTimeout {
            try await waitUntil("the dropped lines to be counted in the log") { supervisor.logContains("lines of output from worker") }
        }

        #expect(await supervisor.stop() == .exited(0))
        #expect(livePIDs(mentioning: supervisor.directory.path).isEmpty)
    }

    /// A `/proc/<pid>/status` memory field in KiB: `VmRSS` now, `VmHWM` the peak so far.
    private func memoryKiB(_ field: String, of pid: pid_t) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("\(field):") })
        return try #require(Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? ""))
    }
}
