/// The finished statuses a prune asks for, split by the partial index that covers their rows: SUCCESSFUL and
/// FAILED rows share one (schema v1), CANCELLED rows have their own (v3). Both stores prune group by group,
/// so each statement names one index's condition and the database can prove the index applies.
public struct PruneStatusGroup: Sendable, Equatable {
    /// Raw statuses, sorted; only finished ones.
    public var statuses: [String]
    /// The index's own condition, repeated in the statement's WHERE clause.
    public var indexCondition: String

    public static func split(_ rawStatuses: [String]) -> [PruneStatusGroup] {
        let cancelled = TaskStatus.cancelled.rawValue
        let others = rawStatuses.filter { $0 != cancelled }.sorted()
        var groups: [PruneStatusGroup] = []
        if !others.isEmpty { groups.append(PruneStatusGroup(statuses: others, indexCondition: "status IN ('SUCCESSFUL', 'FAILED')")) }
        if rawStatuses.contains(cancelled) { groups.append(PruneStatusGroup(statuses: [cancelled], indexCondition: "status = 'CANCELLED'")) }
        return groups
    }
}
