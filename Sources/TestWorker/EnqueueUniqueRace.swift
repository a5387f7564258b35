import Foundation
import Offload
import OffloadStores

/// `TestWorker enqueue-unique DATABASE BARRIER`: opens the store, prints `ready`, waits until the file
/// `BARRIER` exists, then enqueues one unique `test.record` task (key `race`) and prints `enqueued ID` or
/// `duplicate ID`. The unique-race test starts eight of these and opens the barrier for all at once.
enum EnqueueUniqueRace {
    /// Runs the mode when the arguments ask for it (it never returns then); returns otherwise.
    static func runIfRequested() async {
        let arguments = CommandLine.arguments
        guard arguments.count == 4, arguments[1] == "enqueue-unique" else { return }
        do {
            let store = try await TaskStoreLocation.open(arguments[2])
            // A first read warms the connection, so the race after the barrier is between enqueues alone.
            _ = try await store.counts()
            say("ready")
            while !FileManager.default.fileExists(atPath: arguments[3]) {
                try await Task.sleep(for: .milliseconds(2))
            }
            let request = TaskRequest(taskName: RecordRun.name, arguments: #"{"label": "race"}"#, unique: UniqueConstraint(key: "race"))
            switch try await store.enqueueReportingDuplicate(request) {
            case .enqueued(let record): say("enqueued \(record.id.rawValue)")
            case .duplicate(of: let record): say("duplicate \(record.id.rawValue)")
            }
        } catch {
            FileHandle.standardError.write(Data("test worker: enqueue-unique: \(error)\n".utf8))
            exit(1)
        }
        exit(0)
    }

    private static func say(_ line: String) {
        let text = line + "\n"
        _ = text.withCString { write(STDOUT_FILENO, $0, strlen($0)) }
    }
}
