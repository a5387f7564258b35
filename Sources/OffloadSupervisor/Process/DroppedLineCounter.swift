import Synchronization

/// Counts the lines a bounded ``LineReader`` stream dropped because its reader fell behind.
public final class DroppedLineCounter: Sendable {
    private let count = Atomic<Int>(0)

    public init() {}

    /// Lines dropped so far, without resetting.
    public var total: Int { count.load(ordering: .relaxed) }

    func add(_ lines: Int) {
        count.wrappingAdd(lines, ordering: .relaxed)
    }

    /// Lines dropped since the last call (for a report per interval).
    public func take() -> Int {
        count.exchange(0, ordering: .relaxed)
    }
}
