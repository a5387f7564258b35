import Offload
import OffloadPostgres

/// A fresh PostgreSQL schema (say `bench_drain_2_0`) with a store open on it, for a supervisor session;
/// removing it drops the schema with its rows.
struct PostgresScratchStore: ScratchTaskStore {
    let server: PostgresServer
    let schema: String
    let store: PostgresTaskStore
    let worker: String

    static func create(server: PostgresServer, schema: String, worker: String) async throws -> PostgresScratchStore {
        PostgresScratchStore(server: server, schema: schema, store: try await server.openStore(schema: schema), worker: worker)
    }

    var name: String { schema }

    /// The benchmark's URL with this schema: the supervisor passes it to its workers unchanged.
    var location: String { server.url(schema: schema) }

    func serverCPU() async -> ServerCPU? {
        await server.processCPU()
    }

    func remove() async {
        await server.remove(store, schema: schema)
    }
}
