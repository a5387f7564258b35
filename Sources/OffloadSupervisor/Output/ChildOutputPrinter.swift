import Foundation
import Logging
import Offload
import Synchronization

/// Writes child output line by line with a prefix naming the worker: `[email.2 4711] sent`.
///
/// Lines are handed to an ``OutputWriter`` per destination and written whole from its thread, so lines
/// from different workers never interleave mid-line, and a printing worker never waits for the
/// supervisor's stdout: when that is slower than a worker's output, the worker's extra lines are dropped,
/// and the count is logged every ``dropReportInterval`` ("dropped 5120 lines of output from worker
/// default.1 …"). On a terminal the prefix is coloured per worker so interleaved logs stay readable.
final class ChildOutputPrinter: Sendable {
    /// How often dropped lines are counted in the log, at most.
    static let dropReportInterval: Duration = .seconds(5)

    private let colored: Bool

    init(colored: Bool) {
        self.colored = colored
        DropReporter.shared.start()
    }

    static func standardErrorIsTerminal() -> Bool {
        isatty(STDERR_FILENO) == 1
    }

    /// The longest line printed whole; a longer one is cut, and says how much was cut.
    static let maximumLineLength = 16 * 1024

    func print(_ line: String, from label: String, pid: pid_t, index: Int, toStandardError: Bool) {
        let prefix = "[\(label) \(pid)]"
        let styled = colored ? "\u{1B}[\(Self.colors[index % Self.colors.count])m\(prefix)\u{1B}[0m" : prefix
        let writer = toStandardError ? OutputWriter.standardError : OutputWriter.standardOutput
        // The line is the worker's (or its tasks'): escaped, so it cannot drive the terminal or fake a line.
        if !writer.enqueue(styled + " " + Self.cut(TerminalSafe.escape(line)) + "\n", from: pid) {
            DropReporter.shared.remember(label, of: pid)
        }
    }

    /// Counts lines of a worker lost before they reached the printer (its output stream was full).
    func countDropped(_ lines: Int, from label: String, pid: pid_t) {
        guard lines > 0 else { return }
        DropReporter.shared.add(lines, from: label, pid: pid)
    }

    private static func cut(_ line: String) -> String {
        let bytes = line.utf8
        guard bytes.count > maximumLineLength else { return line }
        let kept = String(decoding: bytes.prefix(maximumLineLength), as: UTF8.self)
        return kept + "… [\(bytes.count - maximumLineLength) more bytes not shown]"
    }

    private static let colors = ["36", "35", "33", "32", "34", "96", "95", "93"]
}

extension OutputWriter {
    /// The process has one stdout and one stderr, so one writer each, shared by every supervisor in it.
    static let standardOutput = OutputWriter(descriptor: STDOUT_FILENO, name: "offload.stdout-writer")
    static let standardError = OutputWriter(descriptor: STDERR_FILENO, name: "offload.stderr-writer")
}

/// Logs, once per interval, how many lines each worker lost because the supervisor's output was slower
/// than the worker's. A thread of its own, because the writer of a stuck stdout cannot report anything.
private final class DropReporter: Sendable {
    static let shared = DropReporter()

    private let labels = Mutex<[pid_t: String]>([:])
    /// Lines lost before the printer, per worker, since the last report.
    private let droppedEarlier = Mutex<[pid_t: Int]>([:])
    private let started = Atomic<Bool>(false)

    func start() {
        guard !started.exchange(true, ordering: .relaxed) else { return }
        let thread = Thread { [self] in
            while true {
                Thread.sleep(forTimeInterval: Double(ChildOutputPrinter.dropReportInterval.components.seconds))
                report()
            }
        }
        thread.name = "offload.output-drops"
        thread.start()
    }

    func add(_ lines: Int, from label: String, pid: pid_t) {
        remember(label, of: pid)
        droppedEarlier.withLock { $0[pid, default: 0] += lines }
    }

    func remember(_ label: String, of pid: pid_t) {
        labels.withLock { $0[pid] = label }
    }

    private func report() {
        let earlier = droppedEarlier.withLock { dropped in
            defer { dropped = [:] }
            return dropped
        }
        let counts = [
            ("stdout", OutputWriter.standardOutput.takeDropCounts()), ("stderr", OutputWriter.standardError.takeDropCounts()),
            ("output", earlier),
        ]
        let names = labels.withLock { labels in
            defer { labels = [:] }
            return labels
        }
        let logger = Logger(label: "offload.supervisor")
        for (stream, dropped) in counts {
            for (pid, count) in dropped.sorted(by: { $0.key < $1.key }) {
                logger.warning(
                    "dropped \(count) lines of output from worker \(names[pid] ?? "?") (pid \(pid)) in the last \(ChildOutputPrinter.dropReportInterval.formatted): the supervisor's \(stream) is not keeping up with it",
                    metadata: ["worker": "\(names[pid] ?? "?")", "pid": "\(pid)"])
            }
        }
    }
}
