import Foundation
import Offload
import OffloadSQLite
import OffloadSupervisor
import OffloadTesting
import Synchronization

/// A real `supervisor` process running the test worker on its own database, with its output captured.
public final class SupervisorProcess: Sendable {
    public let directory: TemporaryDirectory
    public let database: String
    public let controlSocket: String
    public let runLog: String
    public let process: ChildProcess
    public let store: SQLiteTaskStore
    private let output = OutputBuffer()

    /// Starts the supervisor; `queues` gives each queue's worker count.
    public static func start(
        queues: KeyValuePairs<String, Int> = ["default": 1],
        arguments extra: [String] = [],
        directory: TemporaryDirectory = TemporaryDirectory("offload-supervisor"),
        worker: String = BuiltProducts.path(of: "TestWorker"),
        environment: [String: String] = [:],
        standardOutput: Int32? = nil
    ) async throws -> SupervisorProcess {
        let arguments = [
            "--worker", worker,
            "--queues", queues.map(\.key).joined(separator: ","),
            "--workers", queues.map { "\($0.key)=\($0.value)" }.joined(separator: ","),
            "--no-reload",
        ] + extra
        return try await launch(arguments, in: directory, workingDirectory: directory.path, environment: environment, standardOutput: standardOutput)
    }

    /// Starts the supervisor in development mode in a Swift package: it builds the worker product
    /// itself and rebuilds it when the sources change.
    public static func startDevelopment(packagePath: String, product: String, directory: TemporaryDirectory = TemporaryDirectory("offload-dev")) async throws -> SupervisorProcess {
        let arguments = ["--worker-product", product, "--queues", "default", "--workers", "default=1", "--reload"]
        return try await launch(arguments, in: directory, workingDirectory: packagePath, environment: [:])
    }

    /// Spawns `supervisor` on a database, control socket and run log in `directory`, with test-friendly timings.
    /// With `standardOutput`, the supervisor's stdout is that descriptor (say a pipe nobody reads) and only its
    /// stderr is captured.
    private static func launch(_ arguments: [String], in directory: TemporaryDirectory, workingDirectory: String, environment extra: [String: String], standardOutput: Int32? = nil) async throws -> SupervisorProcess {
        let database = directory.file("tasks.sqlite3")
        let controlSocket = directory.file("ctl.sock")
        let runLog = directory.file("runs.log")
        let store = try SQLiteTaskStore(path: database)
        var environment = ProcessInfo.processInfo.environment
        environment["OFFLOAD_TEST_RUN_LOG"] = runLog
        environment["NOTIFY_SOCKET"] = nil
        environment.merge(extra) { $1 }
        let common = [
            "--database", database, "--control-socket", controlSocket,
            "--heartbeat-interval", "0.2", "--heartbeat-timeout", "3", "--graceful-timeout", "10", "--log-color", "never",
        ]
        var output = SpawnRequest.OutputMode.pipe
        var errorPipe: FileDescriptorPipe?
        if let standardOutput {
            let pipe = try FileDescriptorPipe()
            output = .descriptors(standardOutput: standardOutput, standardError: pipe.writeEnd)
            errorPipe = pipe
        }
        let process = try await ChildProcess.spawn(SpawnRequest(
            executable: BuiltProducts.path(of: "supervisor"), arguments: common + arguments,
            environment: environment, workingDirectory: workingDirectory, output: output))
        if let errorPipe { close(errorPipe.writeEnd) }
        let supervisor = SupervisorProcess(directory: directory, database: database, controlSocket: controlSocket, runLog: runLog, process: process, store: store)
        supervisor.capture(errorPipe.map { [LineReader.lines(from: $0.readEnd)] } ?? [process.standardErrorLines, process.standardOutputLines])
        return supervisor
    }

    private init(directory: TemporaryDirectory, database: String, controlSocket: String, runLog: String, process: ChildProcess, store: SQLiteTaskStore) {
        self.directory = directory
        self.database = database
        self.controlSocket = controlSocket
        self.runLog = runLog
        self.process = process
        self.store = store
    }

    /// Collects the supervisor's output for assertions. Detached because the collection must run for the
    /// whole life of the process, beyond any one awaiting scope of the test.
    private func capture(_ streams: [AsyncStream<String>]) {
        for stream in streams {
            Task.detached { [output] in
                for await line in stream { output.append(line) }
            }
        }
    }

    public var log: [String] { output.lines }

    public func logContains(_ text: String) -> Bool {
        log.contains { $0.contains(text) }
    }

    /// Waits for a log line containing `text`. The log is read from the supervisor's pipes as it comes, so
    /// it can lag behind what `ctl status` or the process's exit already show: assert on the log this way.
    public func waitForLog(_ text: String, timeout: Duration = .seconds(60)) async throws {
        try await explainingTimeout {
            try await waitUntil("a log line containing \(text)", timeout: timeout) { logContains(text) }
        }
    }

    /// Waits for a log line that satisfies `matches` (``waitForLog(_:timeout:)`` for more than one substring).
    public func waitForLog(_ what: String, timeout: Duration = .seconds(60), where matches: @escaping (String) -> Bool) async throws {
        try await explainingTimeout {
            try await waitUntil("a log line with \(what)", timeout: timeout) { log.contains(where: matches) }
        }
    }

    public func status() throws -> SupervisorStatus {
        let response = try ControlClient.send(.status, to: controlSocket)
        guard let status = response.status else { throw ControlSocketError("no status: \(response.message)") }
        return status
    }

    /// Waits until every queue runs its target of ready workers.
    @discardableResult
    public func waitUntilReady(timeout: Duration = .seconds(60)) async throws -> SupervisorStatus {
        try await explainingTimeout {
            try await waitFor("every worker ready", timeout: timeout) {
                // A supervisor that exited never becomes ready: fail now, not at the (long) deadline.
                if let exit = self.process.exitStatus { throw SupervisorExitedError(status: exit) }
                guard let status = try? self.status() else { return nil }
                let ready = status.queues.allSatisfy { queue in
                    queue.halted != nil || status.workers.filter { $0.queue == queue.name && $0.state == "ready" }.count >= queue.target
                }
                return ready && status.phase == "running" ? status : nil
            }
        }
    }

    /// Runs `wait`; if it fails (a timeout), prints the supervisor's status and last log lines first, so
    /// that the failure explains itself.
    public func explainingTimeout<T>(_ wait: () async throws -> T) async throws -> T {
        do {
            return try await wait()
        } catch {
            let status = (try? self.status()).map { "phase \($0.phase), queues \($0.queues), workers \($0.workers)" } ?? "no status"
            let exit = process.exitStatus.map { ", exited: \($0)" } ?? ""
            // A crash report is longer than the tail printed below: show its head, where the crashed thread is.
            let lines = log
            let crash = lines.firstIndex { $0.contains("Program crashed") }.map { start in
                "\nits crash report begins:\n" + lines[start..<min(lines.count, start + 60)].joined(separator: "\n")
            } ?? ""
            print("\(error); supervisor: \(status)\(exit)\(crash)\nits log:\n" + lines.suffix(80).joined(separator: "\n"))
            throw error
        }
    }

    @discardableResult
    public func enqueue(_ name: String, arguments: String = "{}", queue: String = "default", retry: RetryPolicy = .none, timeout: Duration? = nil) throws -> TaskResultID {
        try store.enqueue(TaskRequest(taskName: name, queueName: queue, arguments: arguments, retry: retry, timeout: timeout)).id
    }

    public func record(_ id: TaskResultID) throws -> TaskRecord {
        try store.record(id: id)
    }

    public func waitForStatus(_ id: TaskResultID, _ statuses: Set<TaskStatus>, timeout: Duration = .seconds(60)) async throws -> TaskRecord {
        try await waitFor("task \(id) to be \(statuses)", timeout: timeout) {
            let record = try self.record(id)
            return statuses.contains(record.status) ? record : nil
        }
    }

    /// Lines of the test worker's run log (one per execution of a recording task).
    public func runs() -> [String] {
        guard let text = try? String(contentsOfFile: runLog, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").map(String.init)
    }

    /// The worker holding `id` right now, per the supervisor.
    public func worker(running id: TaskResultID) throws -> SupervisorStatus.Worker? {
        try status().workers.first { $0.currentTasks.contains(id.rawValue) }
    }

    public func signal(_ signal: Int32) {
        _ = process.send(signal)
    }

    /// Stops the supervisor the way a user does (SIGTERM) and waits for it to exit, so nothing it
    /// started (workers, a `swift build`) outlives the test. Falls back to SIGKILL after `timeout`.
    @discardableResult
    public func stop(timeout: Duration = .seconds(60)) async -> ExitStatus {
        _ = process.send(SIGTERM)
        if let status = await process.waitForExit(timeout: timeout) { return status }
        print("supervisor \(process.pid) ignored SIGTERM for \(timeout); killing it. Its log:\n" + log.suffix(40).joined(separator: "\n"))
        _ = process.send(SIGKILL)
        return await process.waitForExit()
    }

    deinit {
        // Whatever the test did, leave no supervisor behind; its workers follow it through the lifeline.
        _ = process.send(SIGKILL)
    }
}

/// Whether a process is gone (or a zombie waiting for PID 1 to reap it).
public func processIsGone(_ pid: Int32) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
    guard let close = stat.lastIndex(of: ")") else { return true }
    let state = stat[stat.index(close, offsetBy: 2)]
    return state == "Z" || state == "X"
}

/// Lines collected from a child's output.
public final class OutputBuffer: Sendable {
    public init() {}
    private let storage = Mutex<[String]>([])
    public func append(_ line: String) { storage.withLock { $0.append(line) } }
    public var lines: [String] { storage.withLock { $0 } }
}

/// The supervisor exited while a test waited for it to become ready.
public struct SupervisorExitedError: Error, CustomStringConvertible {
    public let status: ExitStatus
    public var description: String { "the supervisor exited (\(status)) before every worker was ready" }
}
