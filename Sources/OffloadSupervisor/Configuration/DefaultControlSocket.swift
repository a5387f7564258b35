import Foundation

extension SupervisorSettings {
    /// The control socket's path when none is configured, so that `supervisor ctl` finds the supervisor
    /// from the same `database` value: next to a SQLite file; for a server URL (`postgres://…`), which
    /// names no directory, in systemd's `RuntimeDirectory` when there is one, else the working directory.
    public static func defaultControlSocket(database: String, environment: [String: String], workingDirectory: String) -> String {
        let name = "offload-supervisor.sock"
        guard database.contains("://") else {
            let file = database.hasPrefix("/") ? URL(fileURLWithPath: database) : URL(fileURLWithPath: workingDirectory).appendingPathComponent(database)
            return file.deletingLastPathComponent().appendingPathComponent(name).standardizedFileURL.path
        }
        // systemd lists one directory per RuntimeDirectory= entry, separated by colons.
        if let runtime = environment["RUNTIME_DIRECTORY"]?.split(separator: ":").first {
            return URL(fileURLWithPath: String(runtime)).appendingPathComponent(name).path
        }
        return URL(fileURLWithPath: workingDirectory).appendingPathComponent(name).standardizedFileURL.path
    }
}
