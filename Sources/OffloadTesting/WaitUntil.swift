import Foundation

/// Thrown when a condition a test waits for does not come true in time.
public struct WaitTimedOut: Error, CustomStringConvertible {
    public let what: String
    public let after: Duration
    public var description: String { "timed out after \(after) waiting for \(what)" }

    public init(what: String, after: Duration) {
        self.what = what
        self.after = after
    }
}

/// Waits until `condition` holds, checking every `interval`, failing after `timeout`.
///
/// This is how tests synchronise with other processes: on a condition with a deadline, never a bare sleep.
/// The default deadline is generous on purpose: in a full parallel run on two cores, dozens of worker and
/// supervisor processes start at once and a condition that takes milliseconds alone can take tens of seconds;
/// a deadline only bounds how long a failing test takes to say so.
public func waitUntil(
    _ what: String,
    timeout: Duration = .seconds(60),
    interval: Duration = .milliseconds(20),
    _ condition: () async throws -> Bool
) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while true {
        if try await condition() { return }
        guard clock.now < deadline else { throw WaitTimedOut(what: what, after: timeout) }
        try await Task.sleep(for: interval)
    }
}

/// Waits until `produce` returns a value, and returns it.
public func waitFor<T>(
    _ what: String,
    timeout: Duration = .seconds(60),
    interval: Duration = .milliseconds(20),
    _ produce: () async throws -> T?
) async throws -> T {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while true {
        if let value = try await produce() { return value }
        guard clock.now < deadline else { throw WaitTimedOut(what: what, after: timeout) }
        try await Task.sleep(for: interval)
    }
}

/// The result of `work`, or `otherwise` if it has not finished within `timeout` (it is then cancelled).
///
/// For awaiting something that may never come (a stream's next element, its end) without a bare sleep.
public func firstResult<T: Sendable>(within timeout: Duration, otherwise: T, _ work: @escaping @Sendable () async -> T) async -> T {
    await withTaskGroup(of: T?.self) { group in
        group.addTask { await work() }
        group.addTask {
            try? await Task.sleep(for: timeout)
            return nil
        }
        let first = await group.next() ?? nil
        group.cancelAll()
        return first ?? otherwise
    }
}

/// Whether `stream` yields within `limit`. The stream is used up either way.
public func wakes(_ stream: AsyncStream<Void>, within limit: Duration = .seconds(10)) async -> Bool {
    await firstResult(within: limit, otherwise: false) {
        for await _ in stream { return true }
        return false
    }
}
