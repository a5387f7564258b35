import Foundation
import OffloadPostgres
import PostgresNIO

/// Part 8's limit and one-by-one enqueue, in alternating rounds as ``SingleRowWriteRounds`` does for SQLite:
/// raw, store, raw, store…, each round on a fresh schema, so that both sides see the same drift of a
/// shared machine and the ratio between them means something.
struct PostgresWriteRounds {
    static let rounds = 5

    /// Median single-row INSERT transactions per second, postgres-nio and a prepared statement on one connection.
    var raw: Double
    /// Median tasks per second through `PostgresTaskStore.enqueue`, one transaction each.
    var store: Double
    /// Each round's ratio store / raw, lowest first.
    var ratios: [Double]

    static func measure(server: PostgresServer, count: Int) async throws -> PostgresWriteRounds {
        let perRound = max(1, count / rounds)
        var raw: [Double] = []
        var store: [Double] = []
        for round in 0..<rounds {
            raw.append(try await measureRaw(server: server, schema: "bench_writes_raw_\(round)", count: perRound))
            store.append(try await measureStore(server: server, schema: "bench_writes_store_\(round)", count: perRound))
        }
        return PostgresWriteRounds(
            raw: median(raw), store: median(store),
            ratios: zip(store, raw).map { $0 / $1 }.sorted())
    }

    /// One `INSERT` per transaction (a statement outside `BEGIN` commits by itself, in one round trip), on
    /// one connection leased for the whole round, with Offload's table, indexes and row.
    private static func measureRaw(server: PostgresServer, schema: String, count: Int) async throws -> Double {
        try await server.withStore(schema: schema) { store in
            try await store.client.withConnection { connection in
                let logger = PostgresServer.logger
                _ = try await connection.query(PostgresQuery(unsafeSQL: "SET search_path TO \"\(schema)\""), logger: logger).collect()
                // The first execution prepares the statement: keep it out of the timing, as SQLite's prepare is.
                try await insert(on: connection, logger: logger)
                let clock = ContinuousClock()
                let start = clock.now
                for _ in 0..<count {
                    try await insert(on: connection, logger: logger)
                }
                let rate = Double(count) / (clock.now - start).inSeconds
                // The connection goes back to the store's pool, whose own statements name their schema anyway.
                _ = try await connection.query("RESET search_path", logger: logger).collect()
                return rate
            }
        }
    }

    private static func insert(on connection: PostgresConnection, logger: Logger) async throws {
        for try await _ in try await connection.execute(InsertPendingTask(now: Date()), logger: logger) {}
    }

    /// The app's path: `PostgresTaskStore.enqueue`, a pooled connection and one statement (row and NOTIFY) per task.
    private static func measureStore(server: PostgresServer, schema: String, count: Int) async throws -> Double {
        try await server.withStore(schema: schema) { store in
            let request = EnqueueBenchmark.echoRequest(1)
            // The first enqueue opens the pool's connection: keep that out of the timing too.
            _ = try await store.enqueue(request)
            let clock = ContinuousClock()
            let start = clock.now
            for _ in 0..<count {
                _ = try await store.enqueue(request)
            }
            return Double(count) / (clock.now - start).inSeconds
        }
    }

    private static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted[sorted.count / 2]
    }
}
