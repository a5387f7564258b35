extension ConfigurationFile {
    /// The known key an unknown one most likely meant, or `nil` if none is close.
    ///
    /// Catches the usual slips: underscores or capitals (`graceful_timeout`, `OFFLOAD_WORKERS` pasted from the
    /// environment form) and one or two mistyped letters (`gracefull-timeout`).
    static func suggestedKey(for key: String) -> String? {
        var normalized = key.lowercased().replacingUnderscoresWithDashes()
        if normalized.hasPrefix("offload-") { normalized.removeFirst("offload-".count) }
        if knownKeys.contains(normalized) { return normalized }
        let closest = knownKeys
            .map { (key: $0, distance: editDistance(normalized, $0)) }
            .min { ($0.distance, $0.key) < ($1.distance, $1.key) }
        guard let closest, closest.distance <= 2 else { return nil }
        return closest.key
    }
}

extension String {
    fileprivate func replacingUnderscoresWithDashes() -> String {
        String(map { $0 == "_" ? "-" : $0 })
    }
}

/// Levenshtein distance: the fewest single-character insertions, deletions or substitutions from `a` to `b`.
private func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
    // Row i holds the distances from a's first i characters to each prefix of b; only the last row is kept.
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in 1...b.count {
            let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
            current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
        }
        previous = current
    }
    return previous[b.count]
}
