import Foundation
import Offload

/// Behaviour every ``TaskStore`` must show, checked the same way on SQLite and PostgreSQL.
///
/// This target cannot use Swift Testing's `#expect` (it is not a test target), so each check records
/// its failures and ``run(_:on:)`` returns them; a test target turns them into one expectation per check:
/// ```swift
/// @Test("the store behaves as every store must", arguments: StoreConformance.checks)
/// func conformance(_ check: ConformanceCheck) async {
///     let failures = await StoreConformance.run(check) { try await makeSubject() }
///     #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
/// }
/// ```
public enum StoreConformance {
    /// Every check, each named for the behaviour it checks.
    public static let checks: [ConformanceCheck] =
        ClaimingChecks.all + OutcomeChecks.all + RecoveryChecks.all + WorkerRegistryChecks.all
        + PruneChecks.all + AdminChecks.all + WakeUpChecks.all + PoisonedRowChecks.all
        + EnqueueValidationChecks.all + ResultOwnershipChecks.all
        + UniqueChecks.all + SnoozeChecks.all + BulkRetryChecks.all
        + ConsoleQueryChecks.all
        + ConsoleChecks.all
        + TraceContextBatchChecks.all
        + ScheduleChecks.all
        + CancelChecks.all
        + QueueControlChecks.all
        + CounterChecks.all

    /// Runs one check on a store made for it alone, then tears the store down.
    /// - Returns: What went wrong, one line each, `file:line: message`; empty when the store passed.
    public static func run(_ check: ConformanceCheck, on makeSubject: @Sendable () async throws -> StoreUnderTest) async -> [String] {
        let recorder = ConformanceRecorder()
        let subject: StoreUnderTest
        do {
            subject = try await makeSubject()
        } catch {
            return ["could not open the store for \"\(check.name)\": \(error)"]
        }
        do {
            try await check.body(ConformanceContext(subject: subject, recorder: recorder))
        } catch let stop as ConformanceRecorder.RequirementFailed {
            recorder.record(stop.description)
        } catch {
            recorder.record("\"\(check.name)\" threw \(String(reflecting: error))")
        }
        await subject.tearDown()
        return recorder.failures
    }
}

/// The store a check runs on, and what a check needs beyond the protocol.
public struct StoreUnderTest: Sendable {
    public var store: any TaskStore
    /// Opens another store on the same database, as another process (or host) would.
    public var openAnother: @Sendable () async throws -> any TaskStore
    /// Damages the stored `errors` of a task so that reading it back must fail; `nil` skips that check.
    public var corruptErrors: (@Sendable (TaskResultID) async throws -> Void)?
    /// Closes every store opened for the check and removes its data.
    public var tearDown: @Sendable () async -> Void
    /// Writes garbage into one column of a task's row, as a hand edit or a damaged file would;
    /// `nil` skips the poisoned-row checks. See ``PoisonedValue``.
    public var poison: (@Sendable (TaskResultID, PoisonedValue) async throws -> Void)?
    /// The garbage this store's column types can hold, one value per column the checks try.
    public var poisonedValues: [PoisonedValue] = []

    public init(
        store: any TaskStore,
        openAnother: @escaping @Sendable () async throws -> any TaskStore,
        corruptErrors: (@Sendable (TaskResultID) async throws -> Void)? = nil,
        tearDown: @escaping @Sendable () async -> Void = {}
    ) {
        self.store = store
        self.openAnother = openAnother
        self.corruptErrors = corruptErrors
        self.tearDown = tearDown
    }
}

/// One behaviour, named as a sentence about the store.
public struct ConformanceCheck: Sendable, CustomStringConvertible {
    public let name: String
    let body: @Sendable (ConformanceContext) async throws -> Void

    init(_ name: String, _ body: @escaping @Sendable (ConformanceContext) async throws -> Void) {
        self.name = name
        self.body = body
    }

    public var description: String { name }
}
