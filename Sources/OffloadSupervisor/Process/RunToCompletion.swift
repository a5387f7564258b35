import Glibc

/// Runs a program to its end, streaming its output lines as they come and returning all of them with
/// the exit status. Made for `swift build`: show progress live, keep the full log for the error report.
///
/// ```swift
/// let build = SpawnRequest(executable: swiftPath, arguments: ["build", "--product", "worker"], workingDirectory: packageRoot)
/// let (status, output) = try await runToCompletion(build) { line in logger.info("\(line)") }
/// guard status.isSuccess else { /* keep the old workers, report output.filter { $0.stream == .standardError } */ }
/// ```
///
/// - `request.output` is ignored: stdout and stderr are always piped and tagged.
/// - `onOutputLine` runs in the calling task, one line at a time, in the order the lines are returned.
///   Within one stream the order is the child's; between stdout and stderr it is only the order of arrival.
/// - If the calling task is cancelled, the child gets `cancellationSignal` (SwiftPM stops its compiler
///   jobs on SIGINT, like Ctrl-C). The function still waits for the child to exit, so no process is left
///   behind, and then throws `CancellationError`.
///
/// - Throws: ``ChildProcessError`` if the program cannot be started; `CancellationError` as above.
public func runToCompletion(
    _ request: SpawnRequest,
    cancellationSignal: Int32 = SIGINT,
    onOutputLine: (OutputLine) -> Void = { _ in }
) async throws -> (status: ExitStatus, output: [OutputLine]) {
    var request = request
    request.output = .pipe
    let child = try await ChildProcess.spawn(request)

    return try await collectToExit(
        child, standardOutput: child.standardOutputLines, standardError: child.standardErrorLines,
        cancellationSignal: cancellationSignal, onOutputLine: onOutputLine)
}

/// Merges a child's two output streams, hands each line to `onOutputLine`, then waits for the child's exit;
/// on cancellation the child gets `cancellationSignal` and is still waited for. Shared by ``runToCompletion``
/// and callers that read the output their own way (a build's partial lines).
func collectToExit(
    _ child: ChildProcess, standardOutput: AsyncStream<String>, standardError: AsyncStream<String>,
    cancellationSignal: Int32, onOutputLine: (OutputLine) -> Void
) async throws -> (status: ExitStatus, output: [OutputLine]) {
    try await withTaskCancellationHandler {
        let (merged, continuation) = AsyncStream.makeStream(of: OutputLine.self)
        async let forwarding: Void = {
            await withDiscardingTaskGroup { group in
                group.addTask { for await text in standardOutput { continuation.yield(OutputLine(.standardOutput, text)) } }
                group.addTask { for await text in standardError { continuation.yield(OutputLine(.standardError, text)) } }
            }
            continuation.finish()
        }()
        var output: [OutputLine] = []
        for await line in merged {
            output.append(line)
            onOutputLine(line)
        }
        await forwarding
        let status = await child.waitForExit()
        try Task.checkCancellation()
        return (status, output)
    } onCancel: {
        child.send(cancellationSignal)
    }
}
