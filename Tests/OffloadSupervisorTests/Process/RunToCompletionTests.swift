import Testing
@testable import OffloadSupervisor

extension ProcessTests {
    @Suite("Running a program to completion")
    struct RunningToCompletion {
        @Test("returns the exit status and every line tagged by stream, streaming them as they come")
        func collectsTaggedLinesAndStatus() async throws {
            var streamed: [OutputLine] = []
            let (status, output) = try await runToCompletion(ProcessFixture.shell("echo one; echo two >&2; echo three; exit 2")) { line in
                streamed.append(line)
            }
            #expect(status == .exited(2))
            #expect(output == streamed)
            #expect(output.filter { $0.stream == .standardOutput }.map(\.text) == ["one", "three"])
            #expect(output.filter { $0.stream == .standardError }.map(\.text) == ["two"])
        }

        @Test("cancelling the caller signals the child, waits for it, and throws CancellationError")
        func cancellationStopsTheChild() async throws {
            let run = Task { try await runToCompletion(ProcessFixture.sleeper()) }
            run.cancel()
            await #expect(throws: CancellationError.self) { try await run.value }
        }
    }
}
