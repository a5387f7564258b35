/// Where a configuration value came from, so logs and errors can tell an operator which one to change.
///
/// Precedence, highest first: ``commandLine`` > ``environment(variable:)`` > ``file(path:line:)`` > ``builtInDefault``.
public enum ConfigurationSource: Sendable, Hashable, CustomStringConvertible {
    /// A flag given to the supervisor, such as `--graceful-timeout 10`.
    case commandLine(flag: String)
    /// An `OFFLOAD_…` environment variable, such as `OFFLOAD_GRACEFUL_TIMEOUT`.
    case environment(variable: String)
    /// A `key = value` line of the configuration file.
    case file(path: String, line: Int)
    /// Nothing set it: the supervisor's own default applies.
    case builtInDefault

    public var description: String {
        switch self {
        case .commandLine(let flag): "command-line flag \(flag)"
        case .environment(let variable): "environment variable \(variable)"
        case .file(let path, let line): "\(path):\(line)"
        case .builtInDefault: "built-in default"
        }
    }
}
