import Foundation
import OffloadSupervisor
import OffloadTesting

/// One run of the `supervisor` executable to its end (`supervisor ctl status`, a start refused for its
/// configuration), with its exit status and output.
public struct SupervisorRun: Sendable, CustomStringConvertible {
    public let status: ExitStatus
    public let standardOutput: [String]
    public let standardError: [String]

    /// Both streams, stdout first.
    public var output: String { (standardOutput + standardError).joined(separator: "\n") }

    public var description: String { "supervisor exited \(status); output:\n\(output)" }

    /// Runs `supervisor arguments…` and waits for it to exit.
    ///
    /// - Parameters:
    ///   - user: run it as this uid and gid (through `setpriv`), for tests about other users; the test runs as root.
    ///   - timeout: how long it may run; past it, it is killed and ``WaitTimedOut`` is thrown, so a command that
    ///     blocks forever fails the test instead of hanging it.
    public static func run(
        _ arguments: [String], as user: UInt32? = nil, environment extra: [String: String] = [:],
        workingDirectory: String? = nil, timeout: Duration = .seconds(30)
    ) async throws -> SupervisorRun {
        let supervisor = BuiltProducts.path(of: "supervisor")
        var environment = ProcessInfo.processInfo.environment
        environment["NOTIFY_SOCKET"] = nil
        environment.merge(extra) { $1 }
        let request = if let user {
            SpawnRequest(
                executable: "/usr/bin/setpriv", arguments: ["--reuid=\(user)", "--regid=\(user)", "--clear-groups", supervisor] + arguments,
                environment: environment, workingDirectory: workingDirectory, output: .pipe)
        } else {
            SpawnRequest(executable: supervisor, arguments: arguments, environment: environment, workingDirectory: workingDirectory, output: .pipe)
        }
        let child = try await ChildProcess.spawn(request)
        async let standardOutput = collect(child.standardOutputLines)
        async let standardError = collect(child.standardErrorLines)
        guard let status = await child.waitForExit(timeout: timeout) else {
            _ = child.send(SIGKILL)
            _ = await child.waitForExit()
            let output = await (standardOutput + standardError).joined(separator: "\n")
            throw WaitTimedOut(what: "supervisor \(arguments.joined(separator: " ")) to exit; its output:\n\(output)", after: timeout)
        }
        return await SupervisorRun(status: status, standardOutput: standardOutput, standardError: standardError)
    }

    private static func collect(_ lines: AsyncStream<String>) async -> [String] {
        var collected: [String] = []
        for await line in lines { collected.append(line) }
        return collected
    }
}

/// The uid (and gid) of `nobody`: another user, for the tests about who may talk to whom.
public let nobodyUID: UInt32 = 65534
