import OffloadWorker

/// Typed lookups: the environment override applied, then the value parsed.
///
/// Each returns `nil` when neither the environment nor the file sets the key, so the caller's flag and built-in
/// default wrap it: `flag ?? (try file.duration(for: "graceful-timeout", environment: env)) ?? .seconds(30)`.
extension ConfigurationFile {
    /// The raw value with its key and source, for the accessors of ``ConfigurationValue``.
    public func configurationValue(for key: String, environment: [String: String]) -> ConfigurationValue? {
        value(for: key, environment: environment).map { ConfigurationValue($0.0, key: key, source: $0.source) }
    }

    public func string(for key: String, environment: [String: String]) -> String? {
        configurationValue(for: key, environment: environment)?.string
    }

    public func duration(for key: String, environment: [String: String], allowingZero: Bool = true) throws(ConfigurationError) -> Duration? {
        try configurationValue(for: key, environment: environment)?.duration(allowingZero: allowingZero)
    }

    public func integer(for key: String, environment: [String: String], minimum: Int = 0, maximum: Int = ConfigurationLimits.maximumCount) throws(ConfigurationError) -> Int? {
        try configurationValue(for: key, environment: environment)?.integer(minimum: minimum, maximum: maximum)
    }

    public func boolean(for key: String, environment: [String: String]) throws(ConfigurationError) -> Bool? {
        try configurationValue(for: key, environment: environment)?.boolean()
    }

    public func choice(for key: String, environment: [String: String], _ allowed: [String]) throws(ConfigurationError) -> String? {
        try configurationValue(for: key, environment: environment)?.choice(allowed)
    }

    public func list(for key: String, environment: [String: String]) throws(ConfigurationError) -> [String]? {
        try configurationValue(for: key, environment: environment)?.list()
    }

    public func workerCounts(for key: String, environment: [String: String]) throws(ConfigurationError) -> WorkerCounts? {
        try configurationValue(for: key, environment: environment)?.workerCounts()
    }

    /// `OFFLOAD_…` variables in `environment` that match no key, such as a misspelt `OFFLOAD_GRACEFULL_TIMEOUT`.
    ///
    /// Not an error, because the application may use `OFFLOAD_` variables of its own; the supervisor should log a
    /// warning for each so a typo does not pass silently. Not reported: the worker process contract's variables,
    /// the ones Offload reads outside this file (``otherOffloadVariables``) and `OFFLOAD_TEST_…` test hooks.
    public static func unrecognizedEnvironmentVariables(in environment: [String: String]) -> [String] {
        let contract = [
            WorkerProcessContract.statusFDVariable, WorkerProcessContract.lifelineFDVariable,
            WorkerProcessContract.supervisorPIDVariable,
        ]
        let known = Set(knownKeys.map(environmentVariable(for:)) + contract + otherOffloadVariables)
        return environment.keys.filter {
            $0.hasPrefix(environmentPrefix) && !$0.hasPrefix(environmentPrefix + "TEST_") && !known.contains($0)
        }.sorted()
    }

    /// Variables Offload reads that are not configuration keys: the configuration file's own path,
    /// the PostgreSQL password file and the password a supervisor hands its workers (read by the PostgreSQL store).
    static let otherOffloadVariables = ["OFFLOAD_CONFIG", "OFFLOAD_DATABASE_PASSWORD_FILE", "OFFLOAD_DATABASE_PASSWORD"]
}
