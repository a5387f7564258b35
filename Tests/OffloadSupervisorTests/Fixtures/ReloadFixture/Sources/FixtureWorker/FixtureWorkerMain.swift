import Foundation
import Offload
import OffloadSQLite
import OffloadWorker

/// Returns the version string the tests edit between rebuilds.
struct Version: BackgroundTask {
    static let name = "fixture.version"
    static func run(_ arguments: NoArguments, context: TaskContext) async throws -> String { Marker.value }
}

/// Appends its label to $OFFLOAD_TEST_RUN_LOG after a pause: counts executions across a swap.
struct Record: BackgroundTask {
    struct Arguments: Codable, Sendable { var label: String; var milliseconds: Int }
    static let name = "fixture.record"
    static func run(_ arguments: Arguments, context: TaskContext) async throws -> String {
        try await Task.sleep(for: .milliseconds(arguments.milliseconds))
        if let path = ProcessInfo.processInfo.environment["OFFLOAD_TEST_RUN_LOG"] {
            let fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o600)
            if fd >= 0 {
                let line = arguments.label + "\n"
                _ = line.withCString { write(fd, $0, strlen($0)) }
                close(fd)
            }
        }
        return Marker.value
    }
}

@main
struct FixtureWorkerMain {
    static func main() async {
        let registry = TaskRegistry()
        registry.register(Version.self)
        registry.register(Record.self)
        await WorkerCommand.main(registry: registry) { path in try SQLiteTaskStore(path: path) }
    }
}
