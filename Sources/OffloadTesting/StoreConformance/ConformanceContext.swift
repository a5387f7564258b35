import Foundation
import Offload

/// What a check sees: the store, helpers to drive it, and expectations.
struct ConformanceContext: Sendable {
    let subject: StoreUnderTest
    let recorder: ConformanceRecorder

    var store: any TaskStore { subject.store }

    func expect(_ condition: Bool, _ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line) {
        if !condition { recorder.record(message(), file: file, line: line) }
    }

    /// Expects two values to be equal, saying both when they are not.
    func expectEqual<T: Equatable>(_ actual: T, _ expected: T, _ what: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line) {
        if actual != expected { recorder.record("\(what()): expected \(expected), got \(actual)", file: file, line: line) }
    }

    func require<T>(_ value: T?, _ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line) throws -> T {
        guard let value else { throw ConformanceRecorder.RequirementFailed(description: "\(file):\(line): \(message())") }
        return value
    }

    /// Expects `body` to throw an ``OffloadError`` with `code` (and, if given, a message containing `text`).
    func expectError(_ code: OffloadError.Code, containing text: String? = nil, _ what: String, file: StaticString = #fileID, line: UInt = #line, _ body: () async throws -> Void) async {
        do {
            try await body()
            recorder.record("\(what): expected an OffloadError \(code), but nothing was thrown", file: file, line: line)
        } catch let error as OffloadError {
            if error.code != code {
                recorder.record("\(what): expected OffloadError \(code), got \(error.code): \(error.message)", file: file, line: line)
            } else if let text, !error.message.contains(text) {
                recorder.record("\(what): the message should mention \"\(text)\": \(error.message)", file: file, line: line)
            }
        } catch {
            recorder.record("\(what): expected OffloadError \(code), got \(String(reflecting: error))", file: file, line: line)
        }
    }
}
