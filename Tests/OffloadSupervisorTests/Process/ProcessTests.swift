import Foundation
import OffloadTesting
import Testing
@testable import OffloadSupervisor

/// Every test of the child-process layer, nested here so `swift test --filter ProcessTests` runs them all.
/// They start real processes (`/bin/echo`, `/bin/sleep`, `/bin/sh` as a fixture with an argument array)
/// and wait on conditions with deadlines, never on bare sleeps.
@Suite("Child-process layer")
struct ProcessTests {}

/// Helpers shared by the process tests.
enum ProcessFixture {
    /// The deadline for anything that should happen "at once"; generous for a loaded 2-core machine.
    static let deadline: Duration = .seconds(5)

    /// A field of `/proc/<pid>/status`, e.g. `SigBlk` → "0000000000000000".
    static func statusField(_ field: String, of pid: pid_t) throws -> String {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("\(field):") })
        return line.dropFirst(field.count + 1).trimmingCharacters(in: .whitespaces)
    }

    /// The descriptor numbers open in process `pid`, sorted.
    static func openDescriptors(of pid: pid_t) throws -> [Int32] {
        try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").compactMap { Int32($0) }.sorted()
    }

    /// Every line of `stream` until it ends, or `nil` if it has not ended within the deadline.
    static func collect(_ stream: AsyncStream<String>, within timeout: Duration = deadline) async -> [String]? {
        await firstResult(within: timeout, otherwise: nil) {
            var lines: [String] = []
            for await line in stream { lines.append(line) }
            return Task.isCancelled ? nil : lines
        }
    }

    /// The first line of `stream`, or `nil` if none arrives within the deadline.
    static func firstLine(of stream: AsyncStream<String>, within timeout: Duration = deadline) async -> String? {
        await firstResult(within: timeout, otherwise: nil) {
            var iterator = stream.makeAsyncIterator()
            return await iterator.next()
        }
    }

    /// Polls `condition` until it holds or the deadline passes; for states nothing notifies us about
    /// (such as a pid disappearing from /proc).
    static func eventually(within timeout: Duration = deadline, _ condition: () -> Bool) async -> Bool {
        let end = ContinuousClock.now + timeout
        while ContinuousClock.now < end {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }

    /// Writes `text` to a descriptor, all of it.
    static func write(_ text: String, to descriptor: Int32) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            guard written > 0 else { return }
            bytes = bytes.dropFirst(written)
        }
    }

    /// A child that sleeps until killed, with its output discarded.
    static func sleeper(_ output: SpawnRequest.OutputMode = .discard, extraDescriptors: [Int32: Int32] = [:]) -> SpawnRequest {
        SpawnRequest(executable: "/bin/sleep", arguments: ["30"], extraDescriptors: extraDescriptors, output: output)
    }

    /// `/bin/sh -c script`, used only as a fixture program with an argument array.
    static func shell(_ script: String, _ arguments: [String] = [], output: SpawnRequest.OutputMode = .pipe, extraDescriptors: [Int32: Int32] = [:]) -> SpawnRequest {
        SpawnRequest(executable: "/bin/sh", arguments: ["-c", script] + arguments, extraDescriptors: extraDescriptors, output: output)
    }
}
