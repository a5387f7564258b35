import Foundation
import OffloadTesting
import Synchronization

/// One run of the `offload` admin CLI, as a user types it: its exit and what it printed.
public struct OffloadCommandRun: Sendable, CustomStringConvertible {
    /// The exit status, or `nil` when a signal (a trap, a crash) ended it.
    public let exitStatus: Int32?
    public let standardOutput: String
    public let standardError: String

    /// Runs `offload` with `arguments` to its end, waiting on a thread of its own: the test's cooperative
    /// thread stays free while the command starts and runs (two such waits used to stall a whole parallel run).
    public static func result(of arguments: [String], environment: [String: String] = [:]) async throws -> OffloadCommandRun {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try run(arguments, environment: environment) }) }.start()
        }
    }

    /// Runs `offload` with `arguments` to its end, blocking the calling thread until it exits.
    /// From async code (a test) call ``result(of:environment:)`` instead, which does not hold a cooperative thread.
    @available(*, noasync, message: "blocks a cooperative thread while offload runs: use `await OffloadCommandRun.result(of:)`")
    public static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> OffloadCommandRun {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: BuiltProducts.path(of: "offload"))
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Read standard error on another thread so that neither pipe can fill up and block the child.
        let errorText = ErrorCollector()
        let reader = Thread { errorText.set(errors.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let stderr = errorText.wait()
        return OffloadCommandRun(
            exitStatus: process.terminationReason == .exit ? process.terminationStatus : nil,
            standardOutput: String(decoding: outputData, as: UTF8.self),
            standardError: stderr)
    }

    public var description: String {
        "exit \(exitStatus.map(String.init) ?? "by a signal"); stdout:\n\(standardOutput)\nstderr:\n\(standardError)"
    }
}

/// Hands the standard error text from its reader thread to the test.
private final class ErrorCollector: Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let text = Mutex("")

    func set(_ data: Data) {
        text.withLock { $0 = String(decoding: data, as: UTF8.self) }
        done.signal()
    }

    func wait() -> String {
        done.wait()
        return text.withLock { $0 }
    }
}
