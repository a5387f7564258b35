import Foundation
import Synchronization

/// Writes child output line by line with a prefix naming the worker: `[email.2 4711] sent`.
///
/// Lines from different workers never interleave mid-line: each is written whole under a lock.
/// On a terminal the prefix is coloured per worker so interleaved logs stay readable.
final class ChildOutputPrinter: Sendable {
    private let colored: Bool
    private let lock = Mutex(())

    init(colored: Bool) {
        self.colored = colored
    }

    static func standardErrorIsTerminal() -> Bool {
        isatty(STDERR_FILENO) == 1
    }

    func print(_ line: String, from label: String, pid: pid_t, index: Int, toStandardError: Bool) {
        let prefix = "[\(label) \(pid)]"
        let styled = colored ? "\u{1B}[\(Self.colors[index % Self.colors.count])m\(prefix)\u{1B}[0m" : prefix
        // The line is the worker's (or its tasks'): escaped, so it cannot drive the terminal or fake a line.
        let text = styled + " " + TerminalSafe.escape(line) + "\n"
        lock.withLock { _ in
            let handle = toStandardError ? FileHandle.standardError : FileHandle.standardOutput
            // A closed stdout (`supervisor | head`) costs the line, not the supervisor.
            try? handle.write(contentsOf: Data(text.utf8))
        }
    }

    private static let colors = ["36", "35", "33", "32", "34", "96", "95", "93"]
}
