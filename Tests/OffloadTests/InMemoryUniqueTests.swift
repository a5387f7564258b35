import Foundation
import Offload
import Testing

@Suite("Unique tasks on the in-memory backend")
struct InMemoryUniqueTests {
    struct SyncCustomer: BackgroundTask {
        struct Arguments: Codable, Sendable { var customerID: Int64; var full: Bool }
        static let name = "tests.sync-customer"
        static let options = TaskOptions(unique: UniqueTask(key: .arguments(["customerID"])))
        static func run(_ arguments: Arguments, context: TaskContext) async throws -> NoOutput { NoOutput() }
    }

    @Test("a second enqueue with the same key returns the first task, as the stores do; another key is a new task")
    func duplicatesReturnTheHolder() async throws {
        let backend = InMemoryBackend()
        guard case .enqueued(let first) = try await SyncCustomer.enqueueUnique(.init(customerID: 7, full: false), on: backend) else {
            Issue.record("the first enqueue was not new")
            return
        }
        guard case .duplicate(of: let again) = try await SyncCustomer.enqueueUnique(.init(customerID: 7, full: true), on: backend) else {
            Issue.record("the second enqueue with customer 7 was not a duplicate")
            return
        }
        #expect(again.id == first.id)
        // The plain enqueue deduplicates too, returning the holder's result.
        #expect(try await SyncCustomer.enqueue(.init(customerID: 7, full: true), on: backend).id == first.id)
        let other = try await SyncCustomer.enqueue(.init(customerID: 8, full: true), on: backend)
        #expect(other.id != first.id)
        #expect(backend.enqueued.count == 2)
    }

    @Test("a key held for a period is free again once it is over")
    func periodEnds() async throws {
        let backend = InMemoryBackend()
        let constraint = UniqueConstraint(key: "report", period: .milliseconds(50), states: Set(TaskStatus.allCases))
        let first = try await backend.enqueue(TaskRequest(taskName: "report", unique: constraint))
        #expect(try await backend.enqueue(TaskRequest(taskName: "report", unique: constraint)).id == first.id)
        try await waitForPeriodEnd(first.enqueuedAt.addingTimeInterval(0.05))
        #expect(try await backend.enqueue(TaskRequest(taskName: "report", unique: constraint)).id != first.id)
    }

    /// Sleeps past `end`: the period is measured on the wall clock, as the stores measure it.
    private func waitForPeriodEnd(_ end: Date) async throws {
        while Date() <= end { try await Task.sleep(for: .milliseconds(10)) }
    }
}
