import Foundation
import Offload
import OffloadProcessTesting
import OffloadTesting
import Testing

@Suite("Supervisor: the start-up memory trim of real processes", .serialized)
struct StartUpMemoryTrimProcessTests {
    static let marker = "start-up memory handed back to the kernel"

    @Test("an idle supervisor and its worker each unmap their start-up code, which lowers their resident memory, then the next task still runs")
    func idleProcessesTrimThenRun() async throws {
        let supervisor = try await SupervisorProcess.start(queues: ["default": 1], arguments: ["--trim-memory-after", "0.5"])
        try await supervisor.waitUntilReady()
        try await supervisor.explainingTimeout {
            try await waitUntil("the supervisor's and the worker's trim lines") {
                let lines = supervisor.log.filter { $0.contains(Self.marker) }
                return lines.contains { $0.contains("offload.supervisor") } && lines.contains { $0.contains("offload.worker") }
            }
        }
        for line in supervisor.log where line.contains(Self.marker) {
            // "resident 23.4 MB → 6.2 MB (32.3 MB of code and constants unmapped, …)": real amounts, and lower after.
            let outcome = try #require(line.range(of: "resident ").map { line[$0.upperBound...] }, "\(line)")
            let figures = outcome.split(separator: " ").compactMap { Double($0.trimmingCharacters(in: ["("])) }
            try #require(figures.count >= 3, "\(line)")
            #expect(figures[1] < figures[0], "\(line)")
            #expect(figures[2] > 0, "\(line)")
        }
        let id = try supervisor.enqueue("test.record", arguments: #"{"label": "after the trim"}"#)
        try await supervisor.explainingTimeout {
            try await waitUntil("the task after the trim to succeed") { try supervisor.record(id).status == .successful }
        }
        #expect(supervisor.runs() == ["after the trim"])
    }

    @Test("with trim-memory-after 0 neither the supervisor nor its worker trims")
    func zeroTurnsItOffForWorkersToo() async throws {
        let supervisor = try await SupervisorProcess.start(queues: ["default": 1], arguments: ["--trim-memory-after", "0"])
        try await supervisor.waitUntilReady()
        // The worker was told so on its command line; the loop's ticks and heartbeats run meanwhile.
        let workerPID = try #require(try supervisor.status().workers.first?.pid)
        let commandLine = try String(contentsOfFile: "/proc/\(workerPID)/cmdline", encoding: .utf8).split(separator: "\0")
        let flag = try #require(commandLine.firstIndex(of: "--trim-memory-after"))
        #expect(commandLine[flag + 1] == "0.0")
        let id = try supervisor.enqueue("test.record", arguments: #"{"label": "one"}"#)
        try await waitUntil("the task to succeed") { try supervisor.record(id).status == .successful }
        #expect(!supervisor.logContains(Self.marker))
    }
}
