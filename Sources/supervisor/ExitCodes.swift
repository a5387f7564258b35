import ArgumentParser
import OffloadSupervisor

/// The `supervisor` executable's exit statuses, after sysexits.h, so that `&&`, systemd's
/// `Restart=on-failure` and orchestrators tell a typo from a clean stop.
enum SupervisorExit {
    /// A command-line flag or argument is wrong (EX_USAGE); ArgumentParser uses it for its own errors too.
    static let usage: Int32 = 64
    /// A setting from `OFFLOAD_*` or the configuration file is wrong, or a path cannot be used (EX_CONFIG).
    static let configuration: Int32 = 78

    /// The status for a configuration error: usage for a flag at fault, configuration otherwise.
    static func code(for error: ConfigurationError) -> ExitCode {
        ExitCode(error.isUsageError ? usage : configuration)
    }
}
