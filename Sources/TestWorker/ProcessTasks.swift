import Foundation
import Offload

/// Tasks that do to a worker process what real tasks sometimes do: start child processes and leave
/// them running, or write far more output than anyone reads.
enum ProcessTasks {
    static func register(in registry: TaskRegistry) {
        registry.register(SpawnChild.self)
        registry.register(FloodOutput.self)
    }
}

/// Starts `/bin/sleep 1000` with a bare `posix_spawn` (so it inherits every descriptor not marked
/// close-on-exec, as a careless library would), logs "child PID" in the run log, never waits for it,
/// then holds its slot for `holdMilliseconds`.
struct SpawnChild: BackgroundTask {
    struct Arguments: Codable, Sendable { var holdMilliseconds: Int }
    struct SpawnFailed: Error, CustomStringConvertible { var errno: Int32; var description: String { "posix_spawn failed: errno \(errno)" } }
    static let name = "test.spawn-child"
    static func run(_ arguments: Arguments, context: TaskContext) async throws -> Int32 {
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/sleep"), strdup("1000"), nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, "/bin/sleep", nil, nil, argv, environ)
        guard result == 0 else { throw SpawnFailed(errno: result) }
        try RunLog.append("child \(pid)")
        if arguments.holdMilliseconds > 0 { try await Task.sleep(for: .milliseconds(arguments.holdMilliseconds)) }
        return pid
    }
}

/// Writes `megabytes` MiB to stdout as fast as it can, in lines of 1,000 bytes.
struct FloodOutput: BackgroundTask {
    struct Arguments: Codable, Sendable { var megabytes: Int }
    static let name = "test.flood"
    static func run(_ arguments: Arguments, context: TaskContext) async throws -> Int {
        let line = Array(repeating: UInt8(ascii: "y"), count: 999) + [UInt8(ascii: "\n")]
        let chunk = Array([[UInt8]](repeating: line, count: 64).joined())
        let chunks = min(max(0, arguments.megabytes), 4096) * (1 << 20) / chunk.count
        var written = 0
        for _ in 0..<chunks {
            let count = chunk.withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            written += count
        }
        return written
    }
}
