import Foundation
import GRDB
import Offload
import OffloadSQLite
import OffloadSupervisor
import OffloadTesting
import Testing

/// The new user's path, end to end, with real parts only: a package of their own outside the repository, a real
/// `swift build`, the repository's supervisor in development mode, the app's enqueues into its own database, and
/// an edit that the supervisor rebuilds and swaps in.
@Suite("Adoption: a new user's package, from build to edited task", .serialized)
struct NewUserPathTests {
    @Test("supervisor --queue-name \"*\" in a new package runs every task on its declared queue, a unique task once, a declared schedule, then the edited task's new code")
    func newUserPackageRunsItsTasksAndPicksUpAnEdit() async throws {
        let started = ContinuousClock.now
        let package = try NewUserPackage()
        let scratch = TemporaryDirectory("offload-adoption")
        let database = scratch.file("shop.sqlite3")

        // 1. `swift build`, as the getting-started guide says. The first run on a machine builds Offload too.
        let build = try await CommandRun.run(["swift", "build"], in: package.path, timeout: .seconds(2400))
        #expect(build.status.isSuccess, "\(build)")
        print("adoption: swift build of the new package took \(String(format: "%.1f", build.seconds)) s")
        guard build.status.isSuccess else { return }

        // 2. The supervisor in development mode, naming neither queues nor the worker product. The app and the
        // supervisor race to create the database, as they do for a user starting both at once.
        let supervisor = try await DevelopmentSupervisor.start(in: package.path, database: database, controlSocket: scratch.file("ctl.sock"))
        do {
            // 3. The app enqueues three resizes on `images` and two orders (each with its charge) on `payments`.
            let (first, appOutput) = try await enqueueFromApp(package, database: database, images: 3, orders: 2)
            let store = try SQLiteTaskStore(path: database)
            // Each order's receipt was asked for twice (a unique task): stored once, the second call told so.
            let receipts = appOutput.filter { $0.hasPrefix("receipt ") }
            #expect(receipts.count == 4, "\(appOutput)")
            let receiptIDs = receipts.compactMap { $0.split(separator: " ").last.flatMap { TaskResultID(String($0)) } }
            for pair in stride(from: 0, to: receipts.count - 1, by: 2) {
                #expect(receipts[pair].hasPrefix("receipt enqueued ") && receipts[pair + 1].hasPrefix("receipt duplicate "), "\(receipts)")
                #expect(receiptIDs[pair] == receiptIDs[pair + 1], "\(receipts)")
            }
            try await supervisor.waitUntil("every task to succeed", timeout: .seconds(600)) {
                try (first + receiptIDs).allSatisfy { try store.record(id: $0).status == .successful }
            }
            // The schedule the task type declares runs on its own queue, found by `--queue-name "*"`.
            try await supervisor.waitUntil("a scheduled run to succeed", timeout: .seconds(120)) {
                try await store.pool.read { db in
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM offload_task WHERE task_name = 'shop.tidy-carts' AND status = 'SUCCESSFUL' AND queue_name = 'maintenance'") ?? 0
                } > 0
            }
            let records = try first.map { try store.record(id: $0) }
            #expect(Set(records.map(\.queueName)) == ["images", "payments"])
            #expect(records.filter { $0.queueName == "images" }.allSatisfy { $0.returnValue?.contains("resized v1") == true })
            let paid = try await store.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM shop_order WHERE paid") }
            #expect(paid == 2, "the charges marked the orders the app wrote in the same transactions")

            // 4. Edit the task; development mode rebuilds the worker and swaps it in.
            let reloadsBefore = supervisor.count("reloaded: save→seen")
            try package.edit("Sources/ShopTasks/ResizeImage.swift", replacing: "resized v1", with: "resized v2")
            try await supervisor.waitUntil("the reload after the edit", timeout: .seconds(900)) {
                supervisor.count("reloaded: save→seen") > reloadsBefore
            }
            let (second, _) = try await enqueueFromApp(package, database: database, images: 1, orders: 0)
            try await supervisor.waitUntil("the edited task to succeed", timeout: .seconds(120)) {
                try store.record(id: second[0]).status == .successful
            }
            let edited = try await store.record(id: second[0])
            #expect(edited.returnValue?.contains("resized v2") == true, "\(edited)")
        } catch {
            await supervisor.stop()
            throw error
        }
        let status = await supervisor.stop()
        #expect(status.isSuccess, "the supervisor stopped cleanly on SIGTERM: \(status)")
        print("adoption: the whole path took \(String(format: "%.1f", CommandRun.seconds(since: started))) s")
    }

    /// Runs the app's executable, which enqueues and prints one task id a line (and what became of each receipt).
    func enqueueFromApp(_ package: NewUserPackage, database: String, images: Int, orders: Int) async throws -> (ids: [TaskResultID], output: [String]) {
        let app = try await CommandRun.run(
            [package.path + "/.build/debug/shop-app", String(images), String(orders)],
            in: package.path, environment: ["OFFLOAD_DATABASE": database], timeout: .seconds(60))
        try #require(app.status.isSuccess, "\(app)")
        let ids = app.output.compactMap { TaskResultID($0) }
        try #require(ids.count == images + orders, "\(app)")
        return (ids, app.output)
    }
}
