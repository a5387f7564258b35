/// Which queues a worker serves: every queue (`"*"`) or a list (`"default,email"`), as `db_worker --queue-name`.
public enum QueueSelection: Sendable, Hashable, CustomStringConvertible {
    case all
    case named([String])

    /// Parses `"*"` or a comma-separated list; blanks are dropped, duplicates removed, order kept.
    public init(parsing text: String) throws(OffloadError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "*" { self = .all; return }
        var seen = Set<String>()
        let names = trimmed.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && seen.insert($0).inserted }
        guard !names.isEmpty else {
            throw OffloadError(.invalidConfiguration, "Empty queue selection \"\(text)\": give \"*\" for every queue or a comma-separated list such as \"default,email\".")
        }
        guard !names.contains("*") else {
            throw OffloadError(.invalidConfiguration, "Queue selection \"\(text)\" mixes \"*\" with names: use \"*\" alone.")
        }
        self = .named(names)
    }

    public func contains(_ queue: String) -> Bool {
        switch self {
        case .all: true
        case .named(let names): names.contains(queue)
        }
    }

    public var description: String {
        switch self {
        case .all: "*"
        case .named(let names): names.joined(separator: ",")
        }
    }
}

import Foundation
