import Foundation
import Offload
@testable import OffloadWorker
import Testing

/// The status pipe of a busy worker: one write per task, not two (issue 13, item 4), with the same lines in the
/// same order. Each test reads a real pipe without blocking after each call, so it sees what was written when.
@Suite("Status reporter batching")
struct StatusReporterBatchingTests {
    /// A real pipe whose read end never blocks: `take()` returns what has been written so far.
    private final class StatusPipe {
        let readEnd: Int32
        let writeEnd: Int32

        init() throws {
            var ends: [Int32] = [0, 0]
            guard pipe(&ends) == 0 else { throw POSIXError(.EMFILE) }
            readEnd = ends[0]
            writeEnd = ends[1]
            _ = fcntl(readEnd, F_SETFL, fcntl(readEnd, F_GETFL) | O_NONBLOCK)
        }

        func take() -> String {
            var buffer = [UInt8](repeating: 0, count: 65_536)
            var text = ""
            while true {
                let count = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
                guard count > 0 else { return text }
                text += String(decoding: buffer[0..<count], as: UTF8.self)
            }
        }

        deinit {
            close(readEnd)
            close(writeEnd)
        }
    }

    @Test("a task that ends while the claim loop waits for it is reported with the next task's start, in one write")
    func finishedRidesWithNextStart() throws {
        let pipe = try StatusPipe()
        let reporter = StatusReporter(fd: pipe.writeEnd)
        reporter.holdFinishes()
        reporter.reportFinished(7, hasTimeLimit: false)
        #expect(pipe.take() == "", "held until the claim loop writes")
        reporter.report([.started(8, timeout: nil), .started(9, timeout: .seconds(2))])
        #expect(pipe.take() == "finished 7\nstarted 8 -\nstarted 9 2000\n")
    }

    @Test("a held finish goes out when the claim loop wakes with nothing to start")
    func flushWritesHeldFinishes() throws {
        let pipe = try StatusPipe()
        let reporter = StatusReporter(fd: pipe.writeEnd)
        reporter.holdFinishes()
        reporter.reportFinished(1, hasTimeLimit: false)
        reporter.reportFinished(2, hasTimeLimit: false)
        reporter.flush()
        #expect(pipe.take() == "finished 1\nfinished 2\n")
        // No longer holding: the next finish is written at once.
        reporter.reportFinished(3, hasTimeLimit: false)
        #expect(pipe.take() == "finished 3\n")
    }

    @Test("the end of a task with a time limit is written at once, so the supervisor never kills for a task that has ended")
    func timeLimitedFinishIsNeverHeld() throws {
        let pipe = try StatusPipe()
        let reporter = StatusReporter(fd: pipe.writeEnd)
        reporter.holdFinishes()
        reporter.reportFinished(4, hasTimeLimit: true)
        #expect(pipe.take() == "finished 4\n")
    }

    @Test("a heartbeat written while finishes are held carries them, in order")
    func otherLinesCarryHeldFinishes() throws {
        let pipe = try StatusPipe()
        let reporter = StatusReporter(fd: pipe.writeEnd)
        reporter.holdFinishes()
        reporter.reportFinished(5, hasTimeLimit: false)
        reporter.report(.heartbeat(tasksDone: 5))
        #expect(pipe.take() == "finished 5\nheartbeat 5\n")
        reporter.reportFinished(6, hasTimeLimit: false)
        #expect(pipe.take() == "finished 6\n")
    }
}
