import ArgumentParser
import Foundation
import OffloadSQLite

/// `--database`, shared by every subcommand.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "The task database. Default: $OFFLOAD_DATABASE or offload.sqlite3.")
    var database: String?

    var path: String {
        database ?? ProcessInfo.processInfo.environment["OFFLOAD_DATABASE"] ?? "offload.sqlite3"
    }

    /// Opens the store; commands that only read still migrate a new file, so `list` on a fresh path works.
    func openStore() throws -> SQLiteTaskStore {
        var configuration = SQLiteStoreConfiguration()
        configuration.watchesWAL = false
        return try SQLiteTaskStore(path: path, configuration: configuration)
    }
}
