import GRDB

extension SQLiteTaskStore {
    /// Runs `body` (one or more whole transactions) with `PRAGMA synchronous` at least as strong as
    /// `durability`, then puts the connection's own setting back.
    ///
    /// The setting is the connection's, not the transaction's, and it decides at each commit whether
    /// the WAL is synced; so it is raised just around the commits that acknowledge enqueues, never lowered
    /// (an app's pool that runs FULL stays FULL). With `nil` the connection's setting applies unchanged.
    func withDurability<T>(_ durability: SQLiteDurability?, db: Database, _ body: () throws -> T) throws -> T {
        guard let durability else { return try body() }
        let wanted = durability.synchronousLevel
        let previous = try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? 0
        guard previous < wanted else { return try body() }
        try db.execute(sql: "PRAGMA synchronous = \(wanted)")
        defer { try? db.execute(sql: "PRAGMA synchronous = \(previous)") }
        return try body()
    }
}

extension SQLiteDurability {
    /// `PRAGMA synchronous`'s numeric level: NORMAL is 1, FULL is 2.
    var synchronousLevel: Int {
        switch self {
        case .full: 2
        case .normal: 1
        }
    }
}
