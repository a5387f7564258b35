import Foundation
import Offload
import Testing

private struct SyncCustomer: BackgroundTask {
    struct Arguments: Codable, Sendable { var customerID: Int; var full: Bool }
    static let name = "SyncCustomer"
    static let options = TaskOptions(concurrencyLimit: ConcurrencyLimit(limit: 1, key: .arguments(["customerID"])))
    static func run(_ arguments: Arguments, context: TaskContext) async throws -> NoOutput { NoOutput() }
}

@Suite("Concurrency keys computed at enqueue")
struct ConcurrencyLimitTests {
    @Test("a key from arguments holds the task name and the chosen values only, so tasks of one customer share it")
    func argumentsKey() throws {
        let first = try TaskRequest(SyncCustomer.self, arguments: .init(customerID: 42, full: true))
        let second = try TaskRequest(SyncCustomer.self, arguments: .init(customerID: 42, full: false))
        let other = try TaskRequest(SyncCustomer.self, arguments: .init(customerID: 7, full: true))
        #expect(first.concurrency == ConcurrencyLimit.Resolved(key: "SyncCustomer customerID=42", limit: 1))
        #expect(second.concurrency == first.concurrency)
        #expect(other.concurrency?.key == "SyncCustomer customerID=7")
    }

    @Test("the task name and fixed keys resolve as given; a missing argument field or a bad limit is refused")
    func otherKeys() throws {
        #expect(try ConcurrencyLimit(limit: 3).resolved(taskName: "T", arguments: "{}") == .init(key: "T", limit: 3))
        #expect(try ConcurrencyLimit(limit: 2, key: .key("crm")).resolved(taskName: "T", arguments: "{}") == .init(key: "crm", limit: 2))
        #expect(throws: OffloadError.self) { try ConcurrencyLimit(limit: 1, key: .arguments(["missing"])).resolved(taskName: "T", arguments: #"{"a": 1}"#) }
        #expect(throws: OffloadError.self) { try TaskOptions(concurrencyLimit: ConcurrencyLimit(limit: 0)).validate(taskName: "T") }
    }
}
