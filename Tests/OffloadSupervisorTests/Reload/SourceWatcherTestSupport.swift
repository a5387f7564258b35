import Foundation
import OffloadTesting
import Synchronization
@testable import OffloadSupervisor

/// A package-shaped tree in a fresh temporary directory: `Package.swift` and
/// `Sources/App/main.swift`, with helpers that change it the way editors and tools do.
struct WatchedPackage {
    private let directory = TemporaryDirectory("offload-watcher")
    /// Spelled as the watcher spells event paths (TemporaryDirectory's may hold `//`).
    let path: String
    var sources: String { path + "/Sources" }

    init() throws {
        path = "/" + directory.path.split(separator: "/").joined(separator: "/")
        try write("Package.swift", "// swift-tools-version:6.2\n")
        try write("Sources/App/main.swift", "print(1)\n")
    }

    /// The watcher configuration dev mode uses for this package.
    var configuration: SourceWatcherConfiguration { .package(at: path) }

    /// Writes a file in place (open, write, close: one IN_CLOSE_WRITE), creating its directories.
    func write(_ relativePath: String, _ contents: String = "// changed\n") throws {
        let file = path + "/" + relativePath
        try makeDirectories((relativePath as NSString).deletingLastPathComponent)
        try contents.write(toFile: file, atomically: false, encoding: .utf8)
    }

    /// Saves the way many editors do: write a temporary file beside it, then rename it over.
    func renameSave(_ relativePath: String, _ contents: String = "// saved by rename\n") throws {
        try write(relativePath + ".tmp-save", contents)
        try move(relativePath + ".tmp-save", to: relativePath)
    }

    func makeDirectories(_ relativePath: String) throws {
        guard !relativePath.isEmpty else { return }
        try FileManager.default.createDirectory(atPath: path + "/" + relativePath, withIntermediateDirectories: true)
    }

    func remove(_ relativePath: String) throws {
        try FileManager.default.removeItem(atPath: path + "/" + relativePath)
    }

    /// `rename(2)`, which replaces an existing destination as `mv` does.
    func move(_ relativePath: String, to destination: String) throws {
        guard rename(path + "/" + relativePath, path + "/" + destination) == 0 else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
    }
}

/// Collects a watcher's changes as they arrive, so a test can wait for one with a deadline.
final class ChangeRecorder: Sendable {
    /// How long a test waits for a change that should come: generous, met in milliseconds.
    static let deadline = Duration.seconds(10)
    private let recorded = Mutex<[SourceChange]>([])

    var changes: [SourceChange] { recorded.withLock { $0 } }
    var paths: [String] { changes.flatMap(\.paths) }

    func append(_ change: SourceChange) {
        recorded.withLock { $0.append(change) }
    }

    /// The first change listing `path`, waiting for it until the deadline.
    @discardableResult
    func waitForChange(at path: String) async throws -> SourceChange {
        try await waitFor("a change at \(path)", timeout: Self.deadline, interval: .milliseconds(5)) {
            self.changes.first { $0.paths.contains(path) }
        }
    }
}

/// A watcher on `configuration`. libinotifytools needs a descriptor below 1024 the first time a watcher starts in
/// a process, and this process runs every suite at once: at their start, other tests hold hundreds of
/// descriptors for a few seconds (843 at the peak of one local run). So a start refused for that waits for them.
private func startedWatcher(_ configuration: SourceWatcherConfiguration) async throws -> SourceWatcher {
    try await waitFor("a descriptor below 1024 for libinotifytools", timeout: .seconds(30), interval: .milliseconds(100)) {
        do {
            return try SourceWatcher(configuration)
        } catch let error as SourceWatcherError where error.code == .descriptorTooHigh {
            return nil
        }
    }
}

/// Runs `body` with a watcher on `configuration` whose changes are being recorded; then stops it
/// and waits until its stream has finished, so the next test can start a watcher of its own.
func withSourceWatcher(
    _ configuration: SourceWatcherConfiguration,
    _ body: (SourceWatcher, ChangeRecorder) async throws -> Void
) async throws {
    let watcher = try await startedWatcher(configuration)
    let recorder = ChangeRecorder()
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            for await change in watcher.changes() { recorder.append(change) }
        }
        do {
            try await body(watcher, recorder)
        } catch {
            watcher.stop()
            try? await group.waitForAll()
            throw error
        }
        watcher.stop()
        try await group.waitForAll()
    }
}
