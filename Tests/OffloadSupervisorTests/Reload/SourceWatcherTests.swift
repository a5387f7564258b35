import Foundation
import Testing
@testable import OffloadSupervisor

/// Real inotify on temporary directories. Serialized: libinotifytools allows one watcher per process.
///
/// Tests that expect *no* change for some paths first prove the watcher is live with a change
/// that must come, then write the ignored paths, then a marker file, and wait for the marker.
/// inotify queues events in order and the watcher handles them in order, so once the marker's
/// change is recorded every earlier event has been handled: a broken filter would show.
@Suite("SourceWatcher on a real directory (inotify)", .serialized, .timeLimit(.minutes(1)))
struct SourceWatcherTests {
    @Test("a file written in Sources is seen, stamped no earlier than the write")
    func writeIsSeen() async throws {
        let package = try WatchedPackage()
        try await withSourceWatcher(package.configuration) { _, recorder in
            let beforeWrite = ContinuousClock.now
            try package.write("Sources/App/New.swift")
            let change = try await recorder.waitForChange(at: package.sources + "/App/New.swift")
            #expect(change.seenAt >= beforeWrite)
            #expect(!change.overflow)
            #expect(change.warnings.isEmpty)
        }
    }

    @Test("a rename-save (write a temporary file, rename it over the original) is seen at the original's path")
    func renameSaveIsSeen() async throws {
        let package = try WatchedPackage()
        try await withSourceWatcher(package.configuration) { _, recorder in
            try package.renameSave("Sources/App/main.swift")
            try await recorder.waitForChange(at: package.sources + "/App/main.swift")
        }
    }

    @Test("a file in a new nested directory (mkdir -p a/b) is seen, and so are later writes there")
    func newNestedDirectoryIsWatched() async throws {
        let package = try WatchedPackage()
        try await withSourceWatcher(package.configuration) { _, recorder in
            // Written at once: whether f.swift lands before or after b's watch exists, it is seen
            // (by the rescan or by the watch).
            try package.write("Sources/App/a/b/f.swift")
            try await recorder.waitForChange(at: package.sources + "/App/a/b/f.swift")
            try package.write("Sources/App/a/b/g.swift")
            try await recorder.waitForChange(at: package.sources + "/App/a/b/g.swift")
        }
    }

    @Test("build output, git files and editor scratch files give no change; a source written after them does")
    func ignoredPathsGiveNoChange() async throws {
        let package = try WatchedPackage()
        try await withSourceWatcher(package.configuration) { _, recorder in
            try package.write("Sources/App/Live.swift")
            try await recorder.waitForChange(at: package.sources + "/App/Live.swift")

            let ignored = [
                ".build/debug/x", "Sources/.build/x", "Sources/App/.git/x", "Sources/App/foo.swift.swp",
                "Sources/App/foo~", "Sources/App/4913", "Sources/App/.#foo", "README.md",
            ]
            for path in ignored { try package.write(path) }
            try package.write("Sources/App/Marker.swift")
            try await recorder.waitForChange(at: package.sources + "/App/Marker.swift")

            let expected = [package.sources + "/App/Live.swift", package.sources + "/App/Marker.swift"]
            #expect(Set(recorder.paths) == Set(expected))
        }
    }

    @Test("Package.swift saved by rename is seen through its directory")
    func manifestRenameSaveIsSeen() async throws {
        let package = try WatchedPackage()
        try await withSourceWatcher(package.configuration) { _, recorder in
            try package.renameSave("Package.swift")
            try await recorder.waitForChange(at: package.path + "/Package.swift")
            #expect(!recorder.paths.contains(package.path + "/Package.swift.tmp-save"))
        }
    }

    @Test("a directory deleted and re-created (rm -rf Generated; regenerate) is watched again")
    func recreatedDirectoryIsWatchedAgain() async throws {
        let package = try WatchedPackage()
        let generated = package.sources + "/App/Generated"
        try await withSourceWatcher(package.configuration) { _, recorder in
            try package.write("Sources/App/Generated/A.swift")
            try await recorder.waitForChange(at: generated + "/A.swift")
            try package.remove("Sources/App/Generated")
            try await recorder.waitForChange(at: generated)

            try package.write("Sources/App/Generated/B.swift")
            try await recorder.waitForChange(at: generated + "/B.swift")
            // B may have been found by the rescan; C, written after, needs the new watch itself.
            try package.write("Sources/App/Generated/C.swift")
            try await recorder.waitForChange(at: generated + "/C.swift")
        }
    }

    @Test("a directory moved in from outside is watched, and the files already inside it are listed")
    func movedInDirectoryIsRescanned() async throws {
        let package = try WatchedPackage()
        // Built outside the roots: its files raise no event of their own once moved in, so only
        // the rescan after watching the new directory can report them.
        try package.write("staging/Lib/Inner/X.swift")
        try await withSourceWatcher(package.configuration) { _, recorder in
            try package.move("staging/Lib", to: "Sources/Lib")
            let change = try await recorder.waitForChange(at: package.sources + "/Lib/Inner/X.swift")
            #expect(change.paths.contains(package.sources + "/Lib"))
            try package.write("Sources/Lib/Inner/Y.swift")
            try await recorder.waitForChange(at: package.sources + "/Lib/Inner/Y.swift")
        }
    }

    @Test("a directory moved within Sources is watched at its new path")
    func movedDirectoryIsWatchedAtNewPath() async throws {
        let package = try WatchedPackage()
        try await withSourceWatcher(package.configuration) { _, recorder in
            try package.write("Sources/App/Old/A.swift")
            try await recorder.waitForChange(at: package.sources + "/App/Old/A.swift")
            try package.move("Sources/App/Old", to: "Sources/App/New")
            try await recorder.waitForChange(at: package.sources + "/App/New")
            try package.write("Sources/App/New/B.swift")
            try await recorder.waitForChange(at: package.sources + "/App/New/B.swift")
        }
    }

    @Test("the Sources root deleted and re-created is watched again")
    func recreatedRootIsWatchedAgain() async throws {
        let package = try WatchedPackage()
        try await withSourceWatcher(package.configuration) { _, recorder in
            try package.remove("Sources")
            try await recorder.waitForChange(at: package.sources)
            try package.write("Sources/App/main.swift")
            try await recorder.waitForChange(at: package.sources + "/App/main.swift")
            try package.write("Sources/App/Later.swift")
            try await recorder.waitForChange(at: package.sources + "/App/Later.swift")
        }
    }

    @Test("a missing root is refused with its path, and the next watcher can still start")
    func missingRootIsRefused() async throws {
        let package = try WatchedPackage()
        let missing = package.path + "/Nope"
        do throws(SourceWatcherError) {
            _ = try SourceWatcher(roots: [package.sources, missing])
            Issue.record("a watcher started on a missing path")
        } catch {
            #expect(error.code == .pathNotFound)
            #expect(error.path == missing)
            #expect(error.description.contains(missing))
        }
        try await withSourceWatcher(package.configuration) { _, recorder in
            try package.write("Sources/App/After.swift")
            try await recorder.waitForChange(at: package.sources + "/App/After.swift")
        }
    }

    @Test("a second watcher is refused while one runs, with an error that says why")
    func secondWatcherIsRefused() async throws {
        let package = try WatchedPackage()
        try await withSourceWatcher(package.configuration) { _, _ in
            do throws(SourceWatcherError) {
                _ = try SourceWatcher(package.configuration)
                Issue.record("two watchers ran at once")
            } catch {
                #expect(error.code == .alreadyActive)
                #expect(error.description.contains("only one watcher may run at a time"))
            }
        }
    }

    @Test("a formatter-like burst rewriting 50 files gives one rebuild holding all of them")
    func burstGivesOneRebuild() async throws {
        let package = try WatchedPackage()
        let files = (0..<50).map { "Sources/App/F\($0).swift" }
        for file in files { try package.write(file) }
        let watcher = try SourceWatcher(package.configuration)
        defer { watcher.stop() }
        for file in files { try package.write(file, "// formatted\n") }

        var requests: [RebuildRequest] = []
        // A long quiet period, so a stalled writer on a busy machine does not split the burst.
        await watcher.changes().forEachRebuild(quietPeriod: .milliseconds(500)) { request in
            requests.append(request)
            watcher.stop()  // the stream ends, so forEachRebuild returns after this build
        }
        #expect(requests.count == 1)
        #expect(Set(requests.first?.paths ?? []) == Set(files.map { package.path + "/" + $0 }))
    }

    @Test("stop() finishes the change stream at once, not at the watcher's next idle timeout")
    func stopIsPrompt() async throws {
        let package = try WatchedPackage()
        // A 60-second idle wait: a stop that had to wait for it would take a minute, one woken by the
        // wake-up file takes milliseconds; a stalled test process cannot blur a gap that wide.
        var configuration = package.configuration
        configuration.idleWaitSeconds = 60
        let watcher = try SourceWatcher(configuration)
        defer { watcher.stop() }  // if the test throws early, free the one watcher slot for the next test
        var changes = watcher.changes().makeAsyncIterator()
        // mkdir raises a single event; once its change has come out the thread is back in
        // libinotifytools' wait with nothing to read, which only the wake-up file can cut short.
        try package.makeDirectories("Sources/App/Idle")
        _ = await changes.next()
        let stoppedAt = ContinuousClock.now
        watcher.stop()
        while await changes.next() != nil {}
        #expect(ContinuousClock.now - stoppedAt < .seconds(30))
    }
}
