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

    /// Opens the store, creating and migrating a new SQLite file if there is none: for commands that add tasks.
    func openOrCreateStore() async throws -> any TaskStore {
        var configuration = SQLiteStoreConfiguration()
        configuration.watchesWAL = false
        do {
            return try await TaskStoreLocation.open(path, sqlite: configuration)
        } catch let error as OffloadError where error.code == .invalidConfiguration {
            // A setting no retry can fix (OFFLOAD_DURABILITY, a postgres:// URL in a build without the PostgreSQL
            // trait): one line and EX_CONFIG, as the supervisor and the workers exit for it.
            StandardErrorLine.write("Error: \(TerminalSafe.escape(error.message))")
            throw ExitCode(Self.configurationError)
        }
    }

    /// Opens an existing store. A missing SQLite file is an error, never created: `offload list` run in the
    /// wrong folder must say where it looked, not show an empty database it just made there.
    func openStore() async throws -> any TaskStore {
        if !TaskStoreLocation.isPostgres(path) {
            let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
            var info = stat()
            if lstat(absolute, &info) != 0 && errno == ENOENT {
                StandardErrorLine.write("Error: no task database at \(TerminalSafe.escape(absolute)) (looked there because \(TerminalSafe.escape(reason))). Check the path, or enqueue a task to create it.")
                throw ExitCode(Self.noInput)
            }
        }
        return try await openOrCreateStore()
    }

    /// EX_NOINPUT from sysexits.h: the input named does not exist.
    static let noInput: Int32 = 66
    /// EX_CONFIG from sysexits.h: a configuration error.
    static let configurationError: Int32 = 78

    /// Why the CLI looked at ``path``, for the message about a missing file.
    private var reason: String {
        if database != nil { return "--database names it" }
        if ProcessInfo.processInfo.environment["OFFLOAD_DATABASE"] != nil { return "$OFFLOAD_DATABASE names it" }
        return "neither --database nor $OFFLOAD_DATABASE is set, so the default offload.sqlite3 in \(FileManager.default.currentDirectoryPath) is used"
    }
}

/// One line on standard error, for messages that precede a non-zero exit.
enum StandardErrorLine {
    static func write(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
