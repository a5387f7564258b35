import Foundation
import OffloadTesting
import Testing

/// A copy of the top-level-code fixture, built with `swift build` against this package.
///
/// It lives in `.build-toplevel-fixture/` of this package (ignored by git), so its own `.build` survives
/// between runs and only the first run on a machine compiles Offload for it.
enum TopLevelEnqueueFixture {
    static let path = BuiltProducts.packageRoot + "/.build-toplevel-fixture/package"

    /// Builds the fixture and runs it; returns its exit status and output.
    static func buildAndRun() throws -> (status: Int32, output: String) {
        let template = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/TopLevelEnqueue").path
        let fileManager = FileManager.default
        try? fileManager.removeItem(atPath: path + "/Sources")
        try fileManager.createDirectory(atPath: path, withIntermediateDirectories: true)
        try fileManager.copyItem(atPath: template + "/Sources", toPath: path + "/Sources")
        let root = BuiltProducts.packageRoot
        let manifest = try String(contentsOfFile: template + "/Package.swift.template", encoding: .utf8)
            .replacingOccurrences(of: "__OFFLOAD_PATH__", with: root)
            .replacingOccurrences(of: "__OFFLOAD_IDENTITY__", with: URL(fileURLWithPath: root).lastPathComponent.lowercased())
        try manifest.write(toFile: path + "/Package.swift", atomically: true, encoding: .utf8)
        let build = try run("/usr/bin/env", ["swift", "build", "--package-path", path])
        guard build.status == 0 else { return build }
        return try run(path + "/.build/debug/top-level-enqueue", [])
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

@Suite("Enqueueing from top-level code, async and sync functions")
struct TopLevelEnqueueTests {
    @Test("a real main.swift runs the call as written: `try await` and `try` both enqueue on an async-only backend from top-level code, and a sync call off the main thread says what to write")
    func topLevelCodeRunsTheCallAsWritten() throws {
        let (status, output) = try TopLevelEnqueueFixture.buildAndRun()
        let lines = output.split(separator: "\n").map(String.init)
        #expect(status == 0, "\(output)")
        #expect(lines.contains("top-level try await, async-only backend: enqueued 1, PENDING"), "\(output)")
        #expect(lines.contains("top-level try, async-only backend: enqueued 2, PENDING"), "\(output)")
        #expect(lines.contains("top-level try, synchronous backend: enqueued 1, PENDING"), "\(output)")
        #expect(lines.contains("async function, async-only backend: enqueued 3"), "\(output)")
        #expect(lines.contains("sync function on the main thread, async-only backend: enqueued 4"), "\(output)")
        #expect(lines.contains("""
            sync function off the main thread, async-only backend: error: Backend "default" (AsyncOnlyBackend) can only \
            enqueue asynchronously, and this synchronous call runs off the main thread (the main actor), where waiting for it could \
            stall Swift's concurrency pool: enqueue from an async function with `try await Ping.enqueue(…)`, \
            or from this synchronous code start one with `Task { try await Ping.enqueue(…) }`.
            """), "\(output)")
    }
}
