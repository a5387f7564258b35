import Glibc
import Testing
@testable import OffloadSupervisor

extension ProcessTests {
    /// A busy worker's status lines wake the supervisor once per batch, not once per line (issue 13, item 4).
    @Suite("Reading a worker's status pipe in batches")
    struct StatusPipeReading {
        @Test("lines written while the reader pauses arrive together, in order, none lost")
        func burstArrivesAsOneBatch() async throws {
            let pipe = try FileDescriptorPipe()
            // A pause far longer than the gap below (and than the stalls of a loaded CI machine, seen near 10 s):
            // a reader that did not pause would deliver the lines apart.
            var batches = StatusPipeReader.batches(from: pipe.readEnd, pause: .seconds(15)).makeAsyncIterator()
            ProcessFixture.write("ready\n", to: pipe.writeEnd)
            #expect(await batches.next() == ["ready"], "a lone line after a quiet spell is read at once")
            let burst = (1...200).flatMap { ["started \($0) -", "finished \($0)"] }
            for line in burst.prefix(200) {
                ProcessFixture.write(line + "\n", to: pipe.writeEnd)
            }
            // Not a wait for a condition: the gap a reader without a pause would use to read the first half alone.
            try await Task.sleep(for: .milliseconds(500))
            for line in burst.dropFirst(200) {
                ProcessFixture.write(line + "\n", to: pipe.writeEnd)
            }
            close(pipe.writeEnd)
            var rest: [[String]] = []
            while let batch = await batches.next() { rest.append(batch) }
            #expect(rest.joined().elementsEqual(burst))
            #expect(rest.count == 1, "400 lines written during one pause: one batch, got \(rest.map(\.count))")
        }

        @Test("the last partial line arrives at end-of-file, and a line without end is cut")
        func partialAndOverlongLines() async throws {
            let pipe = try FileDescriptorPipe()
            let batches = StatusPipeReader.batches(from: pipe.readEnd, pause: .milliseconds(1), maximumLineLength: 4)
            ProcessFixture.write("abcdefghij\nwxyz\nlast", to: pipe.writeEnd)
            close(pipe.writeEnd)
            var lines: [String] = []
            for await batch in batches { lines += batch }
            #expect(lines == ["abcd", "efgh", "ij", "wxyz", "last"])
        }
    }
}
