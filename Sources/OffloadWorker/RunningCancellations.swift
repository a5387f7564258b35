import Offload
import Synchronization

/// The cancel requests a worker knows of, and a handle on each attempt it runs, so that a request cancels
/// the Swift `Task` running that attempt's `run` and nothing else.
final class RunningCancellations: Sendable {
    private struct State {
        var attempts: [TaskResultID: Task<TaskOutcome.Result, Never>] = [:]
        /// Tasks someone asked to cancel, running or claimed but not started yet.
        var requested: Set<TaskResultID> = []
    }

    private let state = Mutex(State())

    /// Records the attempt running `id`; cancels it at once if its cancellation was asked for already.
    func started(_ id: TaskResultID, _ attempt: Task<TaskOutcome.Result, Never>) {
        let cancelNow = state.withLock { state in
            state.attempts[id] = attempt
            return state.requested.contains(id)
        }
        if cancelNow { attempt.cancel() }
    }

    /// Whether the cancellation of `id` was asked for before it started: then it need not start at all.
    func isRequested(_ id: TaskResultID) -> Bool {
        state.withLock { $0.requested.contains(id) }
    }

    /// The attempt of `id` ended; returns whether its cancellation had been asked for.
    func ended(_ id: TaskResultID) -> Bool {
        state.withLock { state in
            state.attempts[id] = nil
            return state.requested.remove(id) != nil
        }
    }

    /// Takes note of the requests in `ids` and cancels the attempts running them; returns the ids newly cancelled
    /// while running (a request already seen is not repeated).
    func request(_ ids: Set<TaskResultID>) -> [TaskResultID] {
        let newlyRunning: [(TaskResultID, Task<TaskOutcome.Result, Never>)] = state.withLock { state in
            let new = ids.subtracting(state.requested)
            state.requested.formUnion(new)
            return new.compactMap { id in state.attempts[id].map { (id, $0) } }
        }
        for (_, attempt) in newlyRunning { attempt.cancel() }
        return newlyRunning.map(\.0).sorted()
    }
}
