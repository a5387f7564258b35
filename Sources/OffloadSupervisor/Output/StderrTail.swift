import Synchronization

/// The last lines a worker wrote to stderr, kept so a crash report can say what the worker said last
/// (a Swift crash prints its message and backtrace there).
final class StderrTail: Sendable {
    private let lines = Mutex<[String]>([])
    private let capacity: Int

    init(capacity: Int = 120) {
        self.capacity = capacity
    }

    /// The longest line kept whole: enough for any crash message, and 120 of them stay small.
    static let maximumLineLength = 4096

    func append(_ line: String) {
        let line = line.utf8.count > Self.maximumLineLength ? String(decoding: line.utf8.prefix(Self.maximumLineLength), as: UTF8.self) + "…" : line
        lines.withLock { lines in
            lines.append(line)
            if lines.count > capacity { lines.removeFirst(lines.count - capacity) }
        }
    }

    var text: String? {
        let lines = lines.withLock { $0 }
        return lines.isEmpty ? nil : lines.joined(separator: "\n")
    }
}
