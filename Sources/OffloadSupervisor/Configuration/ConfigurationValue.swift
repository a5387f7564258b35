/// One raw configuration value with the key it belongs to and where it came from, ready to be typed.
///
/// The typed accessors throw a ``ConfigurationError`` that names the key, the source (file and line, environment
/// variable or flag) and what a valid value looks like. Build one from a command-line flag too, so flags and
/// file share the same syntax and messages:
///
/// ```swift
/// let counts = try ConfigurationValue("email=6", key: "workers", source: .commandLine(flag: "--workers")).workerCounts()
/// ```
public struct ConfigurationValue: Sendable, Equatable {
    public let text: String
    public let key: String
    public let source: ConfigurationSource

    public init(_ text: String, key: String, source: ConfigurationSource) {
        self.text = text
        self.key = key
        self.source = source
    }

    /// The text as is: paths, product names.
    public var string: String { text }

    /// Seconds as a decimal number, `"30"` or `"0.5"`, exactly (no binary floating point: `"0.1"` is 100 ms),
    /// at most ``ConfigurationLimits/maximumSeconds``.
    ///
    /// No unit suffix is accepted: the format says seconds, and `"30s"` or `"5m"` would invite guessing.
    /// - Parameter allowingZero: pass `false` for intervals where zero would mean a busy loop.
    public func duration(allowingZero: Bool = true) throws(ConfigurationError) -> Duration {
        let maximum = ConfigurationLimits.maximumSeconds
        let expected = "a number of seconds from \(allowingZero ? "0" : "more than 0") to \(maximum) (a year), such as 30 or 0.5, without a unit"
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = parts[0]
        let fraction = parts.count == 2 ? parts[1] : ""
        guard !whole.isEmpty, whole.allSatisfy(ConfigurationSyntax.isDigit), parts.count == 1 || !fraction.isEmpty,
            fraction.allSatisfy(ConfigurationSyntax.isDigit)
        else { throw invalid(expected) }
        // Nanoseconds are finer than anything the supervisor can act on; more digits are a typo, not a need.
        guard fraction.count <= 9, let digits = Int64(fraction.isEmpty ? "0" : fraction) else {
            throw invalid("at most 9 decimal places (nanoseconds)")
        }
        // Digits only, so a failed conversion means too many of them: out of range like any large number.
        guard let seconds = Int64(whole), seconds < maximum || (seconds == maximum && digits == 0) else { throw invalid(expected) }
        var scale: Int64 = 1
        for _ in fraction.count..<9 { scale *= 10 }
        let duration = Duration.seconds(seconds) + .nanoseconds(digits * scale)
        guard allowingZero || duration > .zero else { throw invalid(expected) }
        return duration
    }

    /// A whole number from `minimum` to `maximum`: counts, limits, MiB.
    public func integer(minimum: Int = 0, maximum: Int = ConfigurationLimits.maximumCount) throws(ConfigurationError) -> Int {
        guard !text.isEmpty, text.allSatisfy(ConfigurationSyntax.isDigit), let number = Int(text), number >= minimum, number <= maximum else {
            throw invalid("a whole number from \(minimum) to \(maximum)")
        }
        return number
    }

    /// `true`/`false`, also `yes`/`no`, `on`/`off` and `1`/`0`, in any case.
    public func boolean() throws(ConfigurationError) -> Bool {
        switch text.lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default: throw invalid("true or false")
        }
    }

    /// One of `allowed` (compared without case), returned as spelled in `allowed`: `reload`, `log-color`.
    public func choice(_ allowed: [String]) throws(ConfigurationError) -> String {
        guard let match = allowed.first(where: { $0.lowercased() == text.lowercased() }) else {
            throw invalid("one of \(allowed.joined(separator: ", "))")
        }
        return match
    }

    /// A comma-separated list, items trimmed: `queues`, `watch`, `ignore`.
    ///
    /// An empty item (`"default,,email"`, a trailing comma) or a repeated one is rejected: both are typos.
    public func list() throws(ConfigurationError) -> [String] {
        let items = text.split(separator: ",", omittingEmptySubsequences: false).map { ConfigurationSyntax.trimmed($0) }
        guard !items.contains(where: \.isEmpty) else {
            throw invalid("a comma-separated list without empty items, such as \"default, email\"")
        }
        var seen = Set<String>()
        for item in items where !seen.insert(item).inserted {
            throw invalid("a list naming each item once (\"\(item)\" appears twice)")
        }
        return items
    }

    /// Worker counts per queue: `"default=2, email=4"`, or one number for every queue (`"3"`). See ``WorkerCounts``.
    public func workerCounts() throws(ConfigurationError) -> WorkerCounts {
        try WorkerCounts(parsing: text, key: key, source: source)
    }

    func invalid(_ expected: String) -> ConfigurationError {
        .invalidValue(text, key: key, source: source, expected: expected)
    }
}
