import Synchronization

/// Lets concurrent enqueues of one process share one transaction, so one WAL sync acknowledges them all.
///
/// No timer: an enqueue that finds nobody committing commits at once (it leads), alone or with whatever
/// was queued by the time it holds the write lock. Enqueues that arrive while a batch is being written
/// wait for it to finish; then the first of them leads the next batch, which takes every request queued
/// until it holds the lock. So a lone enqueue costs what it always did, and under load the batch grows
/// by itself to what arrives during one commit.
final class GroupCommit<Request: Sendable, Record: Sendable>: Sendable {
    /// Writes a batch in one transaction: one result per request, in order, each failing only its own
    /// request; or throws when the transaction as a whole failed (then no request of it was stored).
    /// `takeQueued` must be called once the write lock is held: it returns the requests that joined.
    typealias CommitBatch = (_ leader: Request, _ takeQueued: () -> [Request]) throws -> [Result<Record, any Error>]

    private enum Turn: Sendable {
        case done(Result<Record, any Error>)
        case lead
    }

    private struct Waiting: Sendable {
        let request: Request
        let turn: CheckedContinuation<Turn, Never>
    }

    private struct State {
        var committing = false
        var queue: [Waiting] = []
        var batches = 0
    }

    private let state = Mutex(State())

    init() {}

    /// The number of batches committed (or attempted) so far; tests read it to know a batch was shared.
    var batchCount: Int { state.withLock { $0.batches } }
    /// The number of requests waiting for a batch to take them.
    var queuedCount: Int { state.withLock { $0.queue.count } }

    func submit(_ request: Request, commit: CommitBatch) async throws -> Record {
        let turn = await withCheckedContinuation { (continuation: CheckedContinuation<Turn, Never>) in
            let leadNow = state.withLock { state -> Bool in
                if state.committing {
                    state.queue.append(Waiting(request: request, turn: continuation))
                    return false
                }
                state.committing = true
                return true
            }
            if leadNow { continuation.resume(returning: .lead) }
        }
        switch turn {
        case .done(let result):
            return try result.get()
        case .lead:
            return try lead(request, commit: commit)
        }
    }

    private func lead(_ request: Request, commit: CommitBatch) throws -> Record {
        var joined: [Waiting] = []
        var results: [Result<Record, any Error>]
        do {
            results = try commit(request) {
                joined = state.withLock { state in
                    defer { state.queue.removeAll() }
                    return state.queue
                }
                return joined.map(\.request)
            }
            precondition(results.count == joined.count + 1, "a batch returns one result per request")
        } catch {
            // The transaction failed as a whole: everyone in it hears why. Requests not yet taken stay
            // queued for the next leader.
            results = Array(repeating: .failure(error), count: joined.count + 1)
        }
        let next = state.withLock { state -> Waiting? in
            state.batches += 1
            guard !state.queue.isEmpty else {
                state.committing = false
                return nil
            }
            return state.queue.removeFirst()
        }
        next?.turn.resume(returning: .lead)
        for (waiting, result) in zip(joined, results.dropFirst()) {
            waiting.turn.resume(returning: .done(result))
        }
        return try results[0].get()
    }
}
