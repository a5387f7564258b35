import Foundation
import OffloadSupervisor
import OffloadTesting
import Synchronization
import Testing

/// SwiftPM's build-lock message ("Another instance of SwiftPM is already running using '…', waiting until
/// that process has finished execution...") ends with no newline, then SwiftPM waits, possibly for minutes.
/// The supervisor must say it waits for the lock at once, not when the other build ends.
@Suite("Build lock message", .timeLimit(.minutes(3)))
struct BuildLockMessageTests {
    @Test("the build-lock message, written without a newline, is reported while swift build still waits")
    func lockMessageWithoutNewlineIsReportedAtOnce() async throws {
        let directory = TemporaryDirectory("offload-lock")
        let release = directory.file("bin/release")
        // A real child in the place of `swift`: SwiftPM's message without a newline, then a wait that only
        // the test ends, as the other build ending would.
        try FileManager.default.createDirectory(atPath: directory.file("bin"), withIntermediateDirectories: true)
        let script = """
            #!/bin/sh
            printf "Another instance of SwiftPM is already running using '%s/.build', waiting until that process has finished execution..." "$PWD" >&2
            while [ ! -e '\(release)' ]; do sleep 0.05; done
            echo
            echo "Build complete!"
            """
        try script.write(toFile: directory.file("bin/swift"), atomically: true, encoding: .utf8)
        chmod(directory.file("bin/swift"), 0o755)

        let builder = try PackageBuilder(packagePath: directory.path, product: "worker", environment: ["PATH": directory.file("bin")])
        let lockWaitReported = Atomic<Bool>(false)
        let build = Task { try await builder.build(onLockWait: { lockWaitReported.store(true, ordering: .relaxed) }) }
        let reported: Bool
        do {
            // The fake build waits until the test ends it, so the deadline bounds only a failure.
            try await waitUntil("the lock wait to be reported while the build still waits") {
                lockWaitReported.load(ordering: .relaxed)
            }
            reported = true
        } catch {
            reported = false
        }
        #expect(reported, "the lock message was not reported before the build ended")
        _ = FileManager.default.createFile(atPath: release, contents: nil)
        let result = try await build.value
        #expect(result.succeeded, "\(result.output)")
        #expect(result.output.contains { $0.text.hasPrefix("Another instance of SwiftPM is already running") }, "\(result.output)")
        #expect(result.output.contains { $0.text == "Build complete!" }, "\(result.output)")
    }

    @Test("a partial line is delivered after the writer goes quiet, and lines stay whole without the option")
    func partialLineAfterQuietPeriod() async throws {
        let withDelay = try FileDescriptorPipe()
        let withoutDelay = try FileDescriptorPipe()
        let delayed = LineReader.lines(from: withDelay.readEnd, partialLineDelay: .milliseconds(50))
        let whole = LineReader.lines(from: withoutDelay.readEnd)
        for pipe in [withDelay, withoutDelay] {
            _ = "waiting...".withCString { write(pipe.writeEnd, $0, strlen($0)) }
        }
        var delayedLines = delayed.makeAsyncIterator()
        // Arrives although the writer still holds its end open and wrote no newline.
        #expect(await delayedLines.next() == "waiting...")
        for pipe in [withDelay, withoutDelay] {
            _ = " done\n".withCString { write(pipe.writeEnd, $0, strlen($0)) }
            close(pipe.writeEnd)
        }
        #expect(await delayedLines.next() == " done")
        #expect(await delayedLines.next() == nil)
        var wholeLines: [String] = []
        for await line in whole { wholeLines.append(line) }
        #expect(wholeLines == ["waiting... done"])
    }
}
