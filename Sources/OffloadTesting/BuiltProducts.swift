import Foundation

/// Finds executables built by this package (`swift build` puts them beside the test bundle).
public enum BuiltProducts {
    /// The build products directory, e.g. `.build/x86_64-unknown-linux-gnu/debug`.
    public static var directory: String {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return executable.deletingLastPathComponent().path
    }

    /// The path of a built executable product.
    public static func path(of product: String) -> String {
        directory + "/" + product
    }

    /// The package root (where Package.swift is), found from the build directory.
    public static var packageRoot: String {
        var url = URL(fileURLWithPath: directory)
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url.path }
            url.deleteLastPathComponent()
        }
        return FileManager.default.currentDirectoryPath
    }
}
