import ArgumentParser
import Foundation
import Offload
import OffloadSQLite
import OffloadStores

/// `--database`, shared by every subcommand.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "The task database: a SQLite file, or a postgres:// URL (password from $PGPASSWORD or a password file). Default: $OFFLOAD_DATABASE or offload.sqlite3.")
    var database: String?

    var path: String {
        database ?? ProcessInfo.processInfo.environment["OFFLOAD_DATABASE"] ?? "offload.sqlite3"
    }

    /// Opens the store; commands that only read still migrate a new file, so `list` on a fresh path works.
    func openStore() async throws -> any TaskStore {
        var configuration = SQLiteStoreConfiguration()
        configuration.watchesWAL = false
        return try await TaskStoreLocation.open(path, sqlite: configuration)
    }
}
