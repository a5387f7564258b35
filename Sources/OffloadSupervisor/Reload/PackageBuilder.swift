import Foundation
import Glibc

/// Builds the worker product of a Swift package with `swift build`, as development mode does on each change.
///
/// The command is an argument array (`swift build --product NAME`), never a shell string. The result
/// keeps the whole log, and ``BuildResult/diagnostics`` puts the compiler's `file:line: error:` lines
/// first so a failed build shows what to fix at a glance.
public struct PackageBuilder: Sendable {
    public let packagePath: String
    public let product: String
    public let swiftExecutable: String

    /// - Throws: ``SupervisorError`` when no `swift` is on the `PATH`.
    public init(packagePath: String, product: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        self.packagePath = packagePath
        self.product = product
        guard let swift = Self.findExecutable("swift", path: environment["PATH"] ?? "/usr/bin:/bin") else {
            throw SupervisorError("Cannot build the worker: no `swift` executable on the PATH (\(environment["PATH"] ?? "unset")).")
        }
        self.swiftExecutable = swift
    }

    /// The arguments passed to `swift`.
    public var arguments: [String] { ["build", "--product", product] }

    /// Where the built product lands.
    public var productPath: String { packagePath + "/.build/debug/" + product }

    /// How long the build may be silent in the middle of a line before the partial line is shown:
    /// SwiftPM writes its build-lock message without a newline, then waits, possibly for minutes.
    public static let partialLineDelay: Duration = .milliseconds(300)

    /// Runs the build to its end. `onLockWait` is called once, as soon as SwiftPM says it waits for
    /// another process's build lock, so the caller can say so instead of looking hung.
    ///
    /// If the calling task is cancelled, `swift build` gets SIGINT (it stops its compiler jobs as on
    /// Ctrl-C); the build is still waited for, so no process is left behind, then `CancellationError` is thrown.
    public func build(onLockWait: @Sendable () -> Void = {}) async throws -> BuildResult {
        let clock = ContinuousClock()
        let start = clock.now
        var reportedLockWait = false
        let (status, output) = try await runShowingPartialLines { line in
            if !reportedLockWait, Self.isLockWait(line.text) {
                reportedLockWait = true
                onLockWait()
            }
        }
        return BuildResult(status: status, duration: clock.now - start, output: output)
    }

    /// `runToCompletion`, except that the output is read with ``partialLineDelay``: the lock message has
    /// no `\n`, and waiting for one showed it only when the other build ended (issue 12, item 10).
    private func runShowingPartialLines(onOutputLine: (OutputLine) -> Void) async throws -> (status: ExitStatus, output: [OutputLine]) {
        let standardOutput = try FileDescriptorPipe()
        let standardError: FileDescriptorPipe
        do { standardError = try FileDescriptorPipe() } catch {
            close(standardOutput.readEnd); close(standardOutput.writeEnd)
            throw error
        }
        let request = SpawnRequest(
            executable: swiftExecutable, arguments: arguments, workingDirectory: packagePath,
            output: .descriptors(standardOutput: standardOutput.writeEnd, standardError: standardError.writeEnd))
        let child: ChildProcess
        do {
            child = try await ChildProcess.spawn(request)
        } catch {
            for descriptor in [standardOutput.readEnd, standardOutput.writeEnd, standardError.readEnd, standardError.writeEnd] { close(descriptor) }
            throw error
        }
        // The child has its copies: ours must go, or the pipes never reach end-of-file.
        close(standardOutput.writeEnd)
        close(standardError.writeEnd)
        let outputLines = LineReader.lines(from: standardOutput.readEnd, partialLineDelay: Self.partialLineDelay)
        let errorLines = LineReader.lines(from: standardError.readEnd, partialLineDelay: Self.partialLineDelay)
        return try await collectToExit(
            child, standardOutput: outputLines, standardError: errorLines, cancellationSignal: SIGINT, onOutputLine: onOutputLine)
    }

    /// SwiftPM's message when another `swift` command holds `.build`.
    static func isLockWait(_ line: String) -> Bool {
        line.contains("Another instance of SwiftPM") || line.contains("waiting until that process has finished")
    }

    static func findExecutable(_ name: String, path: String) -> String? {
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }
}

/// The outcome of one `swift build`.
public struct BuildResult: Sendable {
    public let status: ExitStatus
    public let duration: Duration
    public let output: [OutputLine]

    public var succeeded: Bool { status.isSuccess }

    /// The compiler's `file:line:column: error:` lines first, then other lines that mention an error.
    public var diagnostics: [String] {
        let lines = output.map(\.text)
        let located = lines.filter { $0.range(of: #"^\S+:\d+:\d+: error: "#, options: .regularExpression) != nil }
        let others = lines.filter { !located.contains($0) && ($0.contains("error:") || $0.contains("error: ")) }
        var seen = Set<String>()
        return (located + others).filter { seen.insert($0).inserted }
    }
}
