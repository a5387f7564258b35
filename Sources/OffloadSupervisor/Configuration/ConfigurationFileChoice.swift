import Foundation

/// Which configuration file the supervisor reads, and what to log about it.
///
/// In order: `--config`, `$OFFLOAD_CONFIG`, then `offload.conf` in the working directory if there is one.
/// A file named explicitly must be trustworthy or the start fails; the working directory's file, which a
/// command run from the wrong directory picks up unasked, is skipped with a warning instead.
public struct ConfigurationFileChoice: Sendable {
    public let file: ConfigurationFile
    /// What was loaded, for the log: "configuration file: /etc/offload/offload.conf".
    public let notice: String
    /// Why `./offload.conf` was not loaded, when it was found but could have been written by another user.
    public let warning: String?

    /// Finds and reads the configuration file.
    ///
    /// - Parameter explicitPath: the `--config` flag's value.
    /// - Throws: ``ConfigurationError`` for an explicit file that cannot be read, is not trustworthy or does
    ///   not parse, and for a working-directory file that does not parse.
    public static func locate(explicitPath: String?, environment: [String: String], workingDirectory: String) throws(ConfigurationError) -> ConfigurationFileChoice {
        if let path = explicitPath ?? environment["OFFLOAD_CONFIG"].flatMap({ $0.isEmpty ? nil : $0 }) {
            let file = try ConfigurationFile(contentsOfTrusted: path)
            return ConfigurationFileChoice(file: file, notice: "configuration file: \(absolute(path, in: workingDirectory))", warning: nil)
        }
        let path = URL(fileURLWithPath: workingDirectory).appendingPathComponent("offload.conf").path
        guard FileManager.default.fileExists(atPath: path) else {
            return ConfigurationFileChoice(file: .empty(), notice: "no configuration file: flags, OFFLOAD_* variables and built-in defaults", warning: nil)
        }
        do {
            let file = try ConfigurationFile(contentsOfTrusted: path)
            return ConfigurationFileChoice(file: file, notice: "configuration file: \(path)", warning: nil)
        } catch where error.code == .untrustedFile {
            return ConfigurationFileChoice(
                file: .empty(),
                notice: "no configuration file: flags, OFFLOAD_* variables and built-in defaults",
                warning: "ignoring \(path): \(error.message)")
        }
    }

    private static func absolute(_ path: String, in directory: String) -> String {
        path.hasPrefix("/") ? path : URL(fileURLWithPath: directory).appendingPathComponent(path).standardizedFileURL.path
    }
}
