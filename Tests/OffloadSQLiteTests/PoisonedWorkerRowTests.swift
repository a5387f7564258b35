import Foundation
import GRDB
import Offload
import OffloadSQLite
import OffloadTesting
import Testing

@Suite("A worker registry row holding garbage")
struct PoisonedWorkerRowTests {
    @Test("a registered worker whose row holds garbage is listed with placeholders and swept as stale, its tasks recovered, without trapping")
    func garbageWorkerRowIsSwept() async throws {
        let fixture = try StoreFixture()
        let task = try fixture.enqueue()
        _ = try fixture.claim(1, worker: "w1")
        let now = Date()
        try await fixture.store.heartbeat(WorkerRecord(id: "w1", host: "h", pid: 4242, queues: "*", state: "running", currentTaskIDs: [task.id], tasksDone: 0, startedAt: now, heartbeatAt: now, supervisorID: nil))
        try await fixture.store.pool.write { db in
            try db.execute(sql: "UPDATE offload_worker SET heartbeat_at = 'yesterday', pid = 'many', current_task_ids = 'garbage', host = x'00ff' WHERE id = 'w1'")
        }
        let listed = try await fixture.store.workers()
        #expect(listed.map(\.id) == ["w1"])
        let recovered = try await fixture.store.recoverStaleWorkers(staleAfter: .seconds(60), at: now) { _ in true }
        #expect(recovered.map(\.id) == [task.id], "its task is recovered: a heartbeat that cannot be read is no proof of life")
        #expect(try await fixture.store.workers().isEmpty)
        #expect(try fixture.record(task.id).status == .failed)
    }
}
