/// What a ``SourceWatcher`` watches and what it ignores.
///
/// ```swift
/// // A package's Sources/ and Package.swift, plus a local dependency:
/// let configuration = SourceWatcherConfiguration.package(at: "/srv/app", extraPaths: ["/srv/shared-lib/Sources"])
/// ```
public struct SourceWatcherConfiguration: Sendable, Equatable {
    /// Absolute paths to watch. A directory is watched recursively, including directories created
    /// later. A file (such as `Package.swift`) is watched through its directory, filtered to its
    /// name, so editors that save by writing a new file and renaming it over the old one are seen.
    public var roots: [String]
    /// Globs for paths under a root that never trigger a rebuild; see ``WatchFilter`` for the
    /// matching rules. Extend the defaults rather than replace them:
    /// `WatchFilter.defaultIgnoredPatterns + ["Generated"]`.
    public var ignoredPatterns: [String]
    /// How long the watcher thread waits for an event before it looks at its stop flag again: the bound on
    /// a stop when the wake-up file cannot be used. Tests lengthen it to tell a prompt stop from a timed-out one.
    var idleWaitSeconds: Int = 1

    public init(roots: [String], ignoredPatterns: [String] = WatchFilter.defaultIgnoredPatterns) {
        self.roots = roots
        self.ignoredPatterns = ignoredPatterns
    }

    /// Watches what a `swift build` of the package at `packagePath` reads: `Sources/`,
    /// `Package.swift`, and any `extraPaths` (other local packages, resources elsewhere).
    public static func package(
        at packagePath: String, extraPaths: [String] = [],
        ignoredPatterns: [String] = WatchFilter.defaultIgnoredPatterns
    ) -> Self {
        let base = packagePath.hasSuffix("/") ? String(packagePath.dropLast()) : packagePath
        return SourceWatcherConfiguration(
            roots: [base + "/Sources", base + "/Package.swift"] + extraPaths,
            ignoredPatterns: ignoredPatterns)
    }

    /// Checks what can be checked without touching the file system.
    func validate() throws(SourceWatcherError) {
        guard !roots.isEmpty else {
            throw .invalidConfiguration("no path to watch; give at least the package's Sources directory")
        }
        for root in roots where !root.hasPrefix("/") {
            throw .invalidConfiguration("\"\(root)\" is relative; give absolute paths so the watcher does not depend on the working directory")
        }
    }

    /// The roots spelled the way event paths are built (`/a/b`: no repeated or trailing slash),
    /// without duplicates, in their given order. Symbolic links are kept, not resolved, so
    /// reported paths start with the roots as configured.
    var normalizedRoots: [String] {
        var seen = Set<String>()
        return roots.map { root in
            "/" + root.split(separator: "/", omittingEmptySubsequences: true).joined(separator: "/")
        }.filter { seen.insert($0).inserted }
    }
}
