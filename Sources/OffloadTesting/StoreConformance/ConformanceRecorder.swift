import Foundation
import Offload
import Synchronization

/// Collects a check's failures, as `#expect` would.
final class ConformanceRecorder: Sendable {
    /// Thrown by `require` to stop a check whose next steps make no sense.
    struct RequirementFailed: Error, CustomStringConvertible {
        let description: String
    }

    private let recorded = Mutex<[String]>([])

    var failures: [String] { recorded.withLock { $0 } }

    func record(_ message: String) {
        recorded.withLock { $0.append(message) }
    }

    func record(_ message: String, file: StaticString, line: UInt) {
        record("\(file):\(line): \(message)")
    }
}
