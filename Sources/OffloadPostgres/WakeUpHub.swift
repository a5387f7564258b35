import Synchronization

/// Fans one LISTEN connection's notifications out to every ``PostgresTaskStore/wakeUps()`` stream.
///
/// Each stream buffers at most one wake-up: a worker that is busy when ten tasks arrive needs to look
/// once, not ten times. When the listener (re)connects every stream is woken, since notifications sent
/// while nobody listened are lost.
final class WakeUpHub: Sendable {
    private struct State {
        var subscribers: [Int: AsyncStream<Void>.Continuation] = [:]
        var listeningWaiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextID = 0
        var isListening = false
        var isFinished = false
    }
    private let state = Mutex(State())

    func subscribe() -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let id = state.withLock { state -> Int? in
            guard !state.isFinished else { return nil }
            state.nextID += 1
            state.subscribers[state.nextID] = continuation
            return state.nextID
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    /// A notification arrived: wake every stream.
    func ring() {
        let subscribers = state.withLock { Array($0.subscribers.values) }
        for subscriber in subscribers { subscriber.yield() }
    }

    /// The listener is (again) listening, or has lost its connection.
    func setListening(_ listening: Bool) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            let wasListening = state.isListening
            state.isListening = listening
            guard listening, !wasListening else { return [] }
            defer { state.listeningWaiters = [:] }
            return Array(state.listeningWaiters.values)
        }
        for waiter in waiters { waiter.resume() }
        if listening { ring() }
    }

    /// Finishes every stream: the store has stopped.
    func finish() {
        let (subscribers, waiters) = state.withLock { state in
            state.isFinished = true
            state.isListening = false
            defer {
                state.subscribers = [:]
                state.listeningWaiters = [:]
            }
            return (Array(state.subscribers.values), Array(state.listeningWaiters.values))
        }
        // Outside the lock: finishing runs onTermination, which takes the lock.
        for subscriber in subscribers { subscriber.finish() }
        for waiter in waiters { waiter.resume() }
    }

    /// Whether the listener got to listening within `timeout`.
    func waitUntilListening(timeout: Duration) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await self.listening()
                return self.state.withLock { $0.isListening }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }

    /// Returns once listening, finished, or cancelled.
    private func listening() async {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    // Checked under the lock that onCancel also takes, so a cancellation is never missed.
                    if state.isListening || state.isFinished || Task.isCancelled { return true }
                    state.listeningWaiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { $0.listeningWaiters.removeValue(forKey: id) }
            waiter?.resume()
        }
    }
}
