import Foundation
import Offload
import OffloadStores

/// `TestWorker enqueue-until-killed DATABASE ENQUEUERS`: `ENQUEUERS` concurrent loops enqueue `test.record`
/// tasks and print each id on standard output the moment its `enqueue` returns, until the process is
/// killed. The group-commit SIGKILL test checks that every printed id is in the database afterwards.
enum EnqueueUntilKilled {
    /// Runs the mode when the arguments ask for it (it never returns then); returns otherwise.
    static func runIfRequested() async {
        let arguments = CommandLine.arguments
        guard arguments.count == 4, arguments[1] == "enqueue-until-killed" else { return }
        guard let enqueuers = Int(arguments[3]), (1...1_000).contains(enqueuers) else {
            FileHandle.standardError.write(Data("test worker: enqueue-until-killed DATABASE ENQUEUERS (1…1000)\n".utf8))
            exit(64)
        }
        do {
            let store = try await TaskStoreLocation.open(arguments[2])
            try await withThrowingTaskGroup(of: Void.self) { group in
                for enqueuer in 0..<enqueuers {
                    group.addTask {
                        var index = 0
                        while true {
                            let request = TaskRequest(taskName: RecordRun.name, arguments: #"{"label": "e\#(enqueuer)-\#(index)"}"#)
                            let id = try await store.enqueue(request).id
                            // One unbuffered write per id: what was printed has left the process when it is killed.
                            let line = "\(id.rawValue)\n"
                            _ = line.withCString { write(STDOUT_FILENO, $0, strlen($0)) }
                            index += 1
                        }
                    }
                }
                try await group.waitForAll()
            }
        } catch {
            FileHandle.standardError.write(Data("test worker: enqueue-until-killed: \(error)\n".utf8))
            exit(1)
        }
        exit(0)
    }
}
