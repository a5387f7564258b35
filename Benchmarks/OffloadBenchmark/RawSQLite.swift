import GRDBSQLite

/// A SQLite failure in the raw layer, with SQLite's own message.
struct RawSQLiteError: Error, CustomStringConvertible {
    var code: Int32
    var message: String
    var description: String { "SQLite error \(code): \(message)" }
}

/// A bare SQLite connection: the C API and nothing else, so that the figures it gives are what SQLite
/// itself can do on this file system, the ceiling every Offload figure is compared with.
///
/// It sets what ``OffloadSQLite/SQLiteTaskStore`` sets (WAL, `synchronous=NORMAL`, a busy timeout) and
/// nothing more. Not thread-safe: one connection per thread, as SQLite recommends.
final class RawConnection {
    let handle: OpaquePointer

    init(path: String, busyTimeoutMilliseconds: Int32 = 5000) throws {
        var db: OpaquePointer?
        let code = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil)
        guard code == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(db)
            throw RawSQLiteError(code: code, message: "cannot open \(path): \(message)")
        }
        handle = db
        sqlite3_busy_timeout(db, busyTimeoutMilliseconds)
        try execute("PRAGMA journal_mode = WAL")
        // Debian builds SQLite with WAL defaulting to synchronous=FULL; Offload runs with NORMAL.
        try execute("PRAGMA synchronous = NORMAL")
    }

    deinit {
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements that take no arguments (pragmas, DDL, one-off bulk SQL).
    func execute(_ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &error)
        guard code == SQLITE_OK else {
            let message = error.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(error)
            throw RawSQLiteError(code: code, message: message)
        }
    }

    /// Compiles `sql` once; reuse the statement in a loop, as GRDB's `cachedStatement` does.
    func prepare(_ sql: String) throws -> RawStatement {
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard code == SQLITE_OK, let statement else {
            throw RawSQLiteError(code: code, message: String(cString: sqlite3_errmsg(handle)))
        }
        return RawStatement(handle: statement, connection: self)
    }

    var changes: Int { Int(sqlite3_changes(handle)) }

    /// The version of the libsqlite3 this process runs with (not the header it was built against).
    static var libraryVersion: String { String(cString: sqlite3_libversion()) }
}

/// A prepared statement: bind, step, reset. Holds its connection so it is finalized first.
final class RawStatement {
    let handle: OpaquePointer
    private let connection: RawConnection

    /// Tells SQLite to copy bound text, since Swift's C string is temporary.
    private static var transient: sqlite3_destructor_type { unsafeBitCast(-1, to: sqlite3_destructor_type.self) }

    fileprivate init(handle: OpaquePointer, connection: RawConnection) {
        self.handle = handle
        self.connection = connection
    }

    deinit {
        sqlite3_finalize(handle)
    }

    func bind(_ value: Int64, at index: Int32) {
        sqlite3_bind_int64(handle, index, value)
    }

    func bind(_ value: Int, at index: Int32) {
        sqlite3_bind_int64(handle, index, Int64(value))
    }

    func bind(_ value: Double, at index: Int32) {
        sqlite3_bind_double(handle, index, value)
    }

    func bind(_ value: String, at index: Int32) {
        sqlite3_bind_text(handle, index, value, -1, Self.transient)
    }

    func bindNull(at index: Int32) {
        sqlite3_bind_null(handle, index)
    }

    /// Steps once: `true` when a row is ready to read, `false` when the statement is done.
    func step() throws -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let code:
            let message = String(cString: sqlite3_errmsg(connection.handle))
            sqlite3_reset(handle)
            throw RawSQLiteError(code: code, message: message)
        }
    }

    /// Steps to the end, ignoring rows, then resets for the next use.
    func run() throws {
        defer { sqlite3_reset(handle) }
        while try step() {}
    }

    func reset() {
        sqlite3_reset(handle)
    }

    func int64(at column: Int32) -> Int64 {
        sqlite3_column_int64(handle, column)
    }
}
