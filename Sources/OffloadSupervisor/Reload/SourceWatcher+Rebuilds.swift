import Synchronization

extension AsyncStream where Element == SourceChange {
    /// Calls `build` once per burst of changes, and once more after a build if changes arrived
    /// while it ran; returns when the stream finishes or the calling task is cancelled.
    ///
    /// ```swift
    /// await watcher.changes().forEachRebuild(quietPeriod: .milliseconds(100)) { request in
    ///     let seenToStart = ContinuousClock.now - request.firstSeenAt
    ///     await rebuildAndSwapWorkers(request)
    /// }
    /// ```
    ///
    /// `build` runs in the caller's task (and isolation), one call at a time; returning from it
    /// means "build finished", whatever the outcome. Changes keep being read meanwhile, so the
    /// watcher never waits for a build. Changes still waiting for their quiet period when the
    /// stream finishes are dropped: the watcher stopped, so nobody wants that rebuild.
    ///
    /// - Parameter quietPeriod: how long the sources must stay unchanged before `build` is called;
    ///   see ``ChangeDebouncer``.
    public func forEachRebuild(
        quietPeriod: Duration = ChangeDebouncer.defaultQuietPeriod,
        isolation: isolated (any Actor)? = #isolation,
        _ build: (RebuildRequest) async -> Void
    ) async {
        let state = SharedDebouncer(ChangeDebouncer(quietPeriod: quietPeriod))
        // Wakes the loop below when it waits for a first change; one pending ring is enough.
        let (doorbell, ring) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        await withDiscardingTaskGroup { group in
            group.addTask {
                for await change in self {
                    state.record(change)
                    ring.yield()
                }
                state.finishInput()
                ring.finish()
            }
            var bell = doorbell.makeAsyncIterator()
            while !Task.isCancelled {
                switch state.nextStep(at: .now) {
                case .build(let request):
                    await build(request)
                    state.buildFinished()
                case .sleep(let deadline):
                    // Changes only ever push the deadline later, so waking at this one and asking
                    // again is enough; no need to be woken early.
                    try? await Task.sleep(until: deadline, clock: .continuous)
                case .waitForChange:
                    _ = await bell.next()
                case .finished:
                    return
                }
            }
            group.cancelAll()
        }
    }
}

/// The debouncer shared by the reading child task and the building loop.
private final class SharedDebouncer: Sendable {
    enum Step {
        case build(RebuildRequest)
        case sleep(until: ContinuousClock.Instant)
        case waitForChange
        case finished
    }

    private struct State {
        var debouncer: ChangeDebouncer
        var inputFinished = false
    }
    private let state: Mutex<State>

    init(_ debouncer: ChangeDebouncer) {
        state = Mutex(State(debouncer: debouncer))
    }

    func record(_ change: SourceChange) {
        state.withLock { $0.debouncer.record(change) }
    }

    func finishInput() {
        state.withLock { $0.inputFinished = true }
    }

    func buildFinished() {
        state.withLock { $0.debouncer.buildFinished() }
    }

    func nextStep(at now: ContinuousClock.Instant) -> Step {
        state.withLock { state in
            if state.inputFinished { return .finished }
            if let request = state.debouncer.request(at: now) { return .build(request) }
            if let deadline = state.debouncer.deadline { return .sleep(until: deadline) }
            return .waitForChange
        }
    }
}
