/// Folds bursts of source changes into rebuild requests: one per burst, and while a build runs,
/// at most one more after it.
///
/// A pure state machine: it never reads a clock or sleeps, so it is driven (and tested) with
/// explicit instants. ``forEachRebuild(quietPeriod:isolation:_:)`` drives it for real.
///
/// ```
/// idle ──change──▶ collecting ──quiet period passed──▶ building ──finished──▶ idle
///                  ▲  (each change restarts the          │ changes are kept
///                  │   quiet period)                     │ as pending
///                  └────────finished, changes pending────┘
/// ```
///
/// - A formatter touching twenty files or a `git checkout` is one burst: each change pushes the
///   deadline to `seenAt + quietPeriod`, and the request carries every change of the burst.
/// - A save during a build cannot be folded into that build (its sources were already read), so
///   it is kept; when the build finishes, everything kept gives exactly one more request.
public struct ChangeDebouncer: Sendable {
    /// 100 ms: long enough to span one tool's burst of writes (watchexec uses 50 ms, cargo-watch
    /// 500 ms), short against a 2-second incremental build.
    public static let defaultQuietPeriod: Duration = .milliseconds(100)

    private enum Phase {
        case idle
        case collecting(deadline: ContinuousClock.Instant, changes: [SourceChange])
        case building(pending: [SourceChange])
    }

    /// How long the sources must stay unchanged before a rebuild is requested.
    public let quietPeriod: Duration
    private var phase: Phase = .idle

    public init(quietPeriod: Duration = ChangeDebouncer.defaultQuietPeriod) {
        precondition(quietPeriod >= .zero, "quietPeriod must not be negative")
        self.quietPeriod = quietPeriod
    }

    /// Records a change; its `seenAt` starts (or restarts) the quiet period.
    public mutating func record(_ change: SourceChange) {
        switch phase {
        case .idle:
            phase = .collecting(deadline: change.seenAt + quietPeriod, changes: [change])
        case .collecting(let deadline, var changes):
            changes.append(change)
            phase = .collecting(deadline: max(deadline, change.seenAt + quietPeriod), changes: changes)
        case .building(var pending):
            pending.append(change)
            phase = .building(pending: pending)
        }
    }

    /// When ``request(at:)`` will next return a request, if no other change comes: nil while idle
    /// or building.
    public var deadline: ContinuousClock.Instant? {
        if case .collecting(let deadline, _) = phase { deadline } else { nil }
    }

    /// Whether a request was handed out and its build has not been reported finished.
    public var isBuilding: Bool {
        if case .building = phase { true } else { false }
    }

    /// Returns the burst as a request once its quiet period has passed at `now`, and enters the
    /// building state until ``buildFinished()``; nil before then.
    public mutating func request(at now: ContinuousClock.Instant) -> RebuildRequest? {
        guard case .collecting(let deadline, let changes) = phase, now >= deadline else { return nil }
        phase = .building(pending: [])
        return RebuildRequest(changes: changes)
    }

    /// Reports that the build for the last request finished, whatever its outcome. Changes seen
    /// during it start a new quiet period, counted from the last of them (often already over).
    public mutating func buildFinished() {
        guard case .building(let pending) = phase else { return }
        if let latest = pending.map(\.seenAt).max() {
            phase = .collecting(deadline: latest + quietPeriod, changes: pending)
        } else {
            phase = .idle
        }
    }
}

/// The changes one rebuild answers.
public struct RebuildRequest: Sendable, Equatable {
    /// Every change of the burst, in the order seen; never empty.
    public let changes: [SourceChange]

    public init(changes: [SourceChange]) {
        precondition(!changes.isEmpty, "a rebuild request needs at least one change")
        self.changes = changes
    }

    /// The changed paths, each once, in the order first seen.
    public var paths: [String] {
        var seen = Set<String>()
        return changes.flatMap(\.paths).filter { seen.insert($0).inserted }
    }

    /// Some events were lost (queue overflow), so ``paths`` may be incomplete.
    public var overflow: Bool { changes.contains(where: \.overflow) }

    /// When the first change of the burst was seen: the start of "change seen to workers swapped".
    public var firstSeenAt: ContinuousClock.Instant { changes.map(\.seenAt).min()! }

    /// When the last change of the burst was seen.
    public var lastSeenAt: ContinuousClock.Instant { changes.map(\.seenAt).max()! }

    /// Problems the watcher met along the way; log them.
    public var warnings: [SourceWatcherError] { changes.flatMap(\.warnings) }
}
