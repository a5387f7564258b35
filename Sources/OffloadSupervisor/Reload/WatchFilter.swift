import Glibc

/// Decides which paths under a watched root must not trigger a rebuild.
///
/// Patterns are shell globs (`*`, `?`, `[…]`, matched with `fnmatch(3)`):
/// - A pattern **without** a slash is matched against every component of the path, so `.build*`
///   ignores `.build/debug/x.o` and `Sources/App/.build-tmp/y` alike, and an ignored directory is
///   never descended into.
/// - A pattern **with** a slash (other than a trailing one) is matched against the path relative
///   to the watched root and each of its leading parts, so `App/Generated` (or `/Gen*`: a leading
///   slash anchors a single name to the root) ignores everything below it.
/// - A trailing slash is dropped, as in `.gitignore`: `Generated/` is the name `Generated` anywhere.
///
/// ```swift
/// let filter = WatchFilter(ignoring: WatchFilter.defaultIgnoredPatterns + ["Generated"])
/// filter.ignores(relativePath: "App/main.swift")        // false
/// filter.ignores(relativePath: "App/.main.swift.swp")   // true: a vim swap file
/// ```
public struct WatchFilter: Sendable, Equatable {
    /// What no rebuild should ever wait for: build output, git's own files, and the scratch files
    /// editors write beside the file being saved.
    ///
    /// - `.build*`: SwiftPM output, including other scratch paths (`.build-watcher`); watching it
    ///   would make every `swift build` trigger the next one.
    /// - `.git`: a checkout rewrites thousands of objects; the sources it changes are seen anyway.
    /// - `*.swp`, `*.swo`, `*.swx`: vim swap files; `4913`: the file vim creates to probe
    ///   whether a directory is writable; `*~`: vim and emacs backups.
    /// - `.#*` (emacs lock links) and `#*#` (emacs auto-saves).
    public static let defaultIgnoredPatterns: [String] = [
        ".build*", ".git", "*.swp", "*.swo", "*.swx", "*~", "4913", ".#*", "#*#",
    ]

    /// The patterns as given.
    public let patterns: [String]
    private let componentPatterns: [String]
    private let pathPatterns: [String]

    /// - Parameter patterns: globs to ignore. Pass `defaultIgnoredPatterns + […]` to extend the
    ///   defaults rather than replace them. Empty patterns are skipped.
    public init(ignoring patterns: [String] = WatchFilter.defaultIgnoredPatterns) {
        self.patterns = patterns
        var componentPatterns: [String] = []
        var pathPatterns: [String] = []
        for pattern in patterns {
            var trimmed = Substring(pattern)
            while trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
            let anchored = trimmed.contains("/")
            while trimmed.hasPrefix("/") { trimmed = trimmed.dropFirst() }
            guard !trimmed.isEmpty else { continue }
            if anchored { pathPatterns.append(String(trimmed)) } else { componentPatterns.append(String(trimmed)) }
        }
        self.componentPatterns = componentPatterns
        self.pathPatterns = pathPatterns
    }

    /// Whether a change at `relativePath` (relative to its watched root, `/`-separated) is ignored.
    ///
    /// The empty path (the root itself) is never ignored: a root is watched because it was asked for.
    public func ignores(relativePath: String) -> Bool {
        let components = relativePath.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        for component in components where componentPatterns.contains(where: { Self.glob($0, matches: component) }) {
            return true
        }
        guard !pathPatterns.isEmpty else { return false }
        var prefix = ""
        for component in components {
            prefix = prefix.isEmpty ? component : prefix + "/" + component
            if pathPatterns.contains(where: { Self.glob($0, matches: prefix) }) { return true }
        }
        return false
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.patterns == rhs.patterns }

    /// `fnmatch` without flags: `*` also matches a leading dot, so `*.swp` catches `.main.swift.swp`.
    private static func glob(_ pattern: String, matches name: String) -> Bool {
        fnmatch(pattern, name, 0) == 0
    }
}
