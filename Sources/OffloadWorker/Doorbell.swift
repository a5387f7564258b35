import Synchronization

/// A one-shot wake-up that remembers being rung. Wakes the idle claim loop: rung by database change notifications, the poll timer and stop requests.
///
/// A ring while nobody waits is remembered, so a notification that lands between "found nothing"
/// and "start waiting" is never lost.
public final class Doorbell: Sendable {
    private struct State {
        var rung = false
        var waiter: CheckedContinuation<Void, Never>?
    }
    private let state = Mutex(State())

    public init() {}

    public func ring() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.rung = true
            return nil
        }
        waiter?.resume()
    }

    /// Returns when rung, after `timeout`, or when the calling task is cancelled; `true` when it was rung
    /// (or cancelled) before the timeout, `false` when the timeout ended the wait.
    @discardableResult
    public func wait(timeout: Duration) async -> Bool {
        if state.withLock({ state in defer { state.rung = false }; return state.rung }) { return true }
        return await withTaskGroup(of: Bool.self) { group in
            // Returns whether the timeout ended the wait.
            group.addTask {
                // Cancelled (the bell rang first): no ring, or the next wait would return at once.
                guard (try? await Task.sleep(for: timeout)) != nil else { return false }
                self.ring()
                return true
            }
            await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    let resumeNow = state.withLock { state -> Bool in
                        if state.rung {
                            state.rung = false
                            return true
                        }
                        state.waiter = continuation
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            } onCancel: {
                self.ring()
            }
            group.cancelAll()
            // A timer that fired just as the bell rang leaves one ring behind: it only costs one extra check.
            var timedOut = false
            for await fired in group { timedOut = timedOut || fired }
            return !timedOut
        }
    }
}
