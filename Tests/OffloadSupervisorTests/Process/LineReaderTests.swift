import Glibc
import Testing
@testable import OffloadSupervisor

extension ProcessTests {
    @Suite("Reading a descriptor line by line")
    struct LineReading {
        @Test("lines split on \\n, a \\r before it is dropped, and the last partial line arrives at end-of-file")
        func splitsLinesAndFlushesTheLastOne() async throws {
            let pipe = try FileDescriptorPipe()
            let lines = LineReader.lines(from: pipe.readEnd)
            ProcessFixture.write("first\nsecond\r\n\nlast without newline", to: pipe.writeEnd)
            close(pipe.writeEnd)
            #expect(await ProcessFixture.collect(lines) == ["first", "second", "", "last without newline"])
        }

        @Test("a line longer than the maximum is cut into pieces, with no empty piece at an exact fit")
        func longLinesAreCut() async throws {
            let pipe = try FileDescriptorPipe()
            let lines = LineReader.lines(from: pipe.readEnd, maximumLineLength: 4)
            ProcessFixture.write("abcdefghij\nwxyz\n", to: pipe.writeEnd)
            close(pipe.writeEnd)
            #expect(await ProcessFixture.collect(lines) == ["abcd", "efgh", "ij", "wxyz"])
        }

        @Test("a line written in several pieces arrives whole")
        func linesAcrossWrites() async throws {
            let pipe = try FileDescriptorPipe()
            let lines = LineReader.lines(from: pipe.readEnd)
            ProcessFixture.write("hea", to: pipe.writeEnd)
            ProcessFixture.write("rtbeat 3\nrea", to: pipe.writeEnd)
            ProcessFixture.write("dy\n", to: pipe.writeEnd)
            close(pipe.writeEnd)
            #expect(await ProcessFixture.collect(lines) == ["heartbeat 3", "ready"])
        }
    }
}

extension ProcessTests {
    @Suite("Output streams with a bound")
    struct BoundedOutput {
        @Test("a child's output beyond the buffer limit is dropped while nobody reads, and counted")
        func outputBeyondTheLimitIsDroppedAndCounted() async throws {
            var request = ProcessFixture.shell(#"i=0; while [ $i -lt 100 ]; do echo "line $i"; i=$((i+1)); done"#)
            request.outputBufferLimit = 10
            let child = try await ChildProcess.spawn(request)
            #expect(await child.waitForExit(timeout: ProcessFixture.deadline) == .exited(0))
            #expect(await ProcessFixture.eventually { child.droppedOutputLines.total == 90 }, "dropped: \(child.droppedOutputLines.total)")
            #expect(await ProcessFixture.collect(child.standardOutputLines) == (0..<10).map { "line \($0)" })
        }
    }
}
