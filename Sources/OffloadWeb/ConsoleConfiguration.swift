import Foundation
import Logging

/// How the console behaves, whether mounted in an app or run by `offload-web`.
public struct ConsoleConfiguration: Sendable {
    /// The path the console's routes are mounted under (`""` at the root, `"/admin"` in an app); its links use it.
    public var basePath: String
    /// No actions: every action route answers 403 and the pages show no buttons.
    public var readOnly: Bool
    /// Sent back by the pages' JS in the `X-CSRF-Token` header with every action; random for each process by default.
    public var csrfToken: String
    /// How often the pages refresh themselves while not paused, in seconds.
    public var refreshSeconds: Int
    /// Where each action is recorded with what it touched.
    public var logger: Logger
    /// The most rows one page of the task list examines when its filter has no index to search (free text in
    /// arguments, a task name, a date range…); the page then says so and offers to search older tasks.
    public var examineLimit: Int = 10_000
    /// The most finished tasks the Overview counts: when more than this many finished in the last 24 hours (a
    /// busy day, a drained backlog), its failed / succeeded counts cover the most recent ones and say since when.
    public var finishedCountLimit: Int = 20_000

    public init(basePath: String = "", readOnly: Bool = false, csrfToken: String = ConsoleConfiguration.randomToken(), refreshSeconds: Int = 5, logger: Logger = Logger(label: "offload.console")) {
        var path = basePath
        while path.hasSuffix("/") { path.removeLast() }
        if !path.isEmpty && !path.hasPrefix("/") { path = "/" + path }
        self.basePath = path
        self.readOnly = readOnly
        self.csrfToken = csrfToken
        self.refreshSeconds = min(max(refreshSeconds, 1), 3600)
        self.logger = logger
    }

    /// 32 random bytes as hex, from the system's secure generator.
    public static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }.joined()
    }
}

/// Compares secrets in time that does not depend on where they differ.
enum ConstantTime {
    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var difference = UInt8(x.count == y.count ? 0 : 1)
        for index in 0..<max(x.count, y.count) {
            difference |= (index < x.count ? x[index] : 0) ^ (index < y.count ? y[index] : 0)
        }
        return difference == 0
    }
}
