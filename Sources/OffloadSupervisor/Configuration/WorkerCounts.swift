/// How many worker processes to run per queue: the `workers` key, and `supervisor ctl scale`.
///
/// Two spellings, never mixed:
/// - `"3"`: three workers for every queue;
/// - `"default=2, email=4"`: per queue. A queue the list does not name gets the caller's default (1).
///
/// Zero is allowed and means "run no worker for this queue", which pauses it without removing it from `queues`.
public enum WorkerCounts: Sendable, Hashable, CustomStringConvertible {
    case everyQueue(Int)
    case perQueue([String: Int])

    /// The count for `queue`, or `nil` when a per-queue list does not name it.
    public func count(for queue: String) -> Int? {
        switch self {
        case .everyQueue(let count): count
        case .perQueue(let counts): counts[queue]
        }
    }

    /// The same text the parser accepts, queues sorted by name.
    public var description: String {
        switch self {
        case .everyQueue(let count): "\(count)"
        case .perQueue(let counts): counts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
        }
    }

    /// Parses either spelling; `key` and `source` say where the text came from in error messages.
    ///
    /// - Throws: ``ConfigurationError`` `.invalidValue` naming the offending item.
    public init(parsing text: String, key: String = "workers", source: ConfigurationSource) throws(ConfigurationError) {
        let value = ConfigurationValue(text, key: key, source: source)
        let example = "a number for every queue (\"3\") or queue=count pairs (\"default=2, email=4\")"
        if !text.contains("=") {
            self = .everyQueue(try value.integer(minimum: 0, maximum: ConfigurationLimits.maximumWorkers))
            return
        }
        var counts: [String: Int] = [:]
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let pair = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2 else {
                throw value.invalid("\(example), not both; \"\(ConfigurationSyntax.trimmed(item))\" has no \"=\"")
            }
            let queue = ConfigurationSyntax.trimmed(pair[0])
            let countText = ConfigurationSyntax.trimmed(pair[1])
            guard !queue.isEmpty else {
                throw value.invalid("\(example); \"\(ConfigurationSyntax.trimmed(item))\" names no queue")
            }
            guard countText.allSatisfy(ConfigurationSyntax.isDigit), let count = Int(countText), count <= ConfigurationLimits.maximumWorkers else {
                throw value.invalid("a whole number from 0 to \(ConfigurationLimits.maximumWorkers) for queue \(queue), not \"\(countText)\"")
            }
            guard counts.updateValue(count, forKey: queue) == nil else {
                throw value.invalid("each queue once; \(queue) appears twice")
            }
        }
        self = .perQueue(counts)
    }
}
