import Foundation
import GRDB
import Offload
import OffloadSQLite

/// Plays the web app's signup view: the user row and the welcome email commit together or not at all.
enum Signup {
    static func main(_ arguments: [String]) -> Never {
        guard arguments.count == 2 else {
            FileHandle.standardError.write(Data("usage: example-worker signup EMAIL NAME   (database: $OFFLOAD_DATABASE or offload.sqlite3)\n".utf8))
            exit(64)
        }
        let path = ProcessInfo.processInfo.environment["OFFLOAD_DATABASE"] ?? "offload.sqlite3"
        do {
            let store = try SQLiteTaskStore(path: path)
            try ExampleUsers.migrate(store.pool)
            let (userID, taskID) = try store.pool.write { db -> (Int64, TaskResultID) in
                try db.execute(sql: "INSERT INTO example_user (email, name) VALUES (?, ?)", arguments: [arguments[0], arguments[1]])
                let userID = db.lastInsertedRowID
                let request = try TaskRequest(SendWelcomeEmail.self, arguments: .init(userID: userID))
                return (userID, try store.enqueue(request, in: db).id)
            }
            print("created user \(userID); welcome email enqueued as task \(taskID)")
            exit(0)
        } catch {
            FileHandle.standardError.write(Data("signup failed, nothing was stored: \(error)\n".utf8))
            exit(1)
        }
    }
}
