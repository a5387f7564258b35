import Foundation
import Offload
import OffloadStores
import OffloadWorker

/// A worker whose tasks misbehave on purpose, so integration tests can drive real processes
/// through crashes, hangs, failures and timeouts.
@main
struct TestWorkerMain {
    static func main() async {
        await EnqueueUntilKilled.runIfRequested()
        await EnqueueUniqueRace.runIfRequested()
        // A queue named "crash-at-start" makes the worker die before it is ready: the crash-loop tests use it.
        if CommandLine.arguments.contains("crash-at-start") {
            FileHandle.standardError.write(Data("test worker: refusing to start for queue crash-at-start\n".utf8))
            exit(3)
        }
        let registry = TaskRegistry()
        registry.register(RecordRun.self)
        registry.register(Echo.self)
        registry.register(SleepTask.self)
        registry.register(BlockThread.self)
        registry.register(Crash.self)
        registry.register(FailTimes.self)
        registry.register(ReturnNaN.self)
        ProcessTasks.register(in: registry)
        QueueControlTasks.register(in: registry)
        registry.register(EnvironmentProbe.self)
        DeclaredQueueTasks.register(in: registry)
        registry.register(SnoozeOnce.self)
        registry.register(ScheduledTick.self)
        await WorkerCommand.main(registry: registry) { database in try await TaskStoreLocation.open(database) }
    }
}

/// Appends "label\n" to `$OFFLOAD_TEST_RUN_LOG`: one line per execution, so tests count runs.
struct RecordRun: BackgroundTask {
    struct Arguments: Codable, Sendable { var label: String; var sleepMilliseconds: Int? }
    static let name = "test.record"
    static func run(_ arguments: Arguments, context: TaskContext) async throws -> String {
        if let pause = arguments.sleepMilliseconds, pause > 0 { try await Task.sleep(for: .milliseconds(pause)) }
        try RunLog.append(arguments.label)
        return arguments.label
    }
}

enum RunLog {
    static func append(_ line: String) throws {
        guard let path = ProcessInfo.processInfo.environment["OFFLOAD_TEST_RUN_LOG"] else { return }
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        defer { close(fd) }
        // O_APPEND writes under PIPE_BUF land whole, so concurrent workers never interleave lines.
        let text = line + "\n"
        _ = text.withCString { write(fd, $0, strlen($0)) }
    }
}

/// Returns its argument: the value a code change in the reload fixture would alter.
struct Echo: BackgroundTask {
    struct Arguments: Codable, Sendable { var value: String }
    static let name = "test.echo"
    static func run(_ arguments: Arguments, context: TaskContext) async throws -> String { arguments.value }
}

/// Sleeps cooperatively (honours cancellation).
struct SleepTask: BackgroundTask {
    struct Arguments: Codable, Sendable { var milliseconds: Int; var label: String? }
    static let name = "test.sleep"
    static func run(_ arguments: Arguments, context: TaskContext) async throws -> String {
        if let label = arguments.label { try RunLog.append("start " + label) }
        try await Task.sleep(for: .milliseconds(arguments.milliseconds))
        if let label = arguments.label { try RunLog.append("end " + label) }
        return "slept"
    }
}

/// Blocks its thread and ignores cancellation: only killing the worker stops it.
struct BlockThread: BackgroundTask {
    struct Arguments: Codable, Sendable { var seconds: Double }
    static let name = "test.block"
    static func run(_ arguments: Arguments, context: TaskContext) async throws -> NoOutput {
        try RunLog.append("blocking \(context.resultID)")
        usleep(UInt32(arguments.seconds * 1_000_000))
        return NoOutput()
    }
}

/// Crashes the worker process.
struct Crash: BackgroundTask {
    struct Arguments: Codable, Sendable { var message: String }
    static let name = "test.crash"
    static func run(_ arguments: Arguments, context: TaskContext) async throws -> NoOutput {
        fatalError(arguments.message)
    }
}

/// Throws on its first `times` attempts, then succeeds.
struct FailTimes: BackgroundTask {
    struct Arguments: Codable, Sendable { var times: Int }
    struct Flaky: Error, CustomStringConvertible { var attempt: Int; var description: String { "planned failure on attempt \(attempt)" } }
    static let name = "test.fail"
    static let options = TaskOptions(retry: .exponential(maxAttempts: 3, initial: .milliseconds(10), maximum: .milliseconds(50)))
    static func run(_ arguments: Arguments, context: TaskContext) async throws -> Int {
        if context.attempt <= arguments.times { throw Flaky(attempt: context.attempt) }
        return context.attempt
    }
}

/// Returns a value JSON cannot hold.
struct ReturnNaN: BackgroundTask {
    static let name = "test.nan"
    static func run(_ arguments: NoArguments, context: TaskContext) async throws -> Double { .nan }
}
