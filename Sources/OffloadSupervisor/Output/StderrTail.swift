import Synchronization

/// The last lines a worker wrote to stderr, kept so a crash report can say what the worker said last
/// (a Swift crash prints its message and backtrace there).
final class StderrTail: Sendable {
    private let lines = Mutex<[String]>([])
    private let capacity: Int

    init(capacity: Int = 120) {
        self.capacity = capacity
    }

    func append(_ line: String) {
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
