import Foundation

/// What a commit that acknowledges an enqueue survives, in SQLite's terms (`PRAGMA synchronous` in WAL mode).
///
/// | durability | process crash | OS crash or power cut |
/// |---|---|---|
/// | ``full`` (the default) | nothing lost | nothing lost: the WAL is synced before `enqueue` returns |
/// | ``normal`` | nothing lost | the last acknowledged enqueues (those since the last checkpoint's sync) can be lost |
///
/// Claims, results and other bookkeeping commit with `synchronous=NORMAL` whatever this says: losing one
/// to a power cut puts a task back to where it was before, and it runs again (at least once, as always).
/// docs/reliability.md says why in full.
public enum SQLiteDurability: String, Sendable, CaseIterable, CustomStringConvertible {
    /// `synchronous=FULL` for the commits that acknowledge an enqueue: one `fsync` of the WAL each
    /// (shared by concurrent enqueues: see ``SQLiteTaskStore/enqueue(_:)-(TaskRequest)``).
    case full
    /// `synchronous=NORMAL` throughout: no `fsync` per commit, so an OS crash or power cut can lose
    /// the last acknowledged enqueues. About four times the single-enqueue rate of ``full``.
    case normal

    /// Reads `full` or `normal` (any case, surrounding blanks ignored), as `OFFLOAD_DURABILITY` and the
    /// configuration file's `durability` key spell it; `nil` for anything else.
    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard let durability = SQLiteDurability(rawValue: trimmed) else { return nil }
        self = durability
    }

    public var description: String { rawValue }
}
