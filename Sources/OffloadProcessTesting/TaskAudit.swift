import Foundation
import Offload
import OffloadSQLite
import OffloadTesting

/// What a fault left behind in the database, for the audits of the fault-injection tests: every task
/// accepted must end SUCCESSFUL or FAILED for a reason of its own, exactly once, and none may stay stuck.
public struct TaskAudit: Sendable, CustomStringConvertible {
    public let records: [TaskRecord]

    /// Reads every listed task back from the store.
    public init(_ ids: [TaskResultID], in store: SQLiteTaskStore) throws {
        records = try ids.map { try store.record(id: $0) }
    }

    /// Tasks not yet in a final status.
    public var unfinished: [TaskRecord] { records.filter { !$0.status.isFinished } }

    /// Tasks that failed, with the exception type of their last error.
    public var failures: [(id: TaskResultID, exceptionType: String?)] {
        records.filter { $0.status == .failed }.map { ($0.id, $0.errors.last?.exceptionType) }
    }

    public var description: String {
        let byStatus = Dictionary(grouping: records, by: \.status).mapValues(\.count)
        let failed = failures.map { "\($0.id): \($0.exceptionType ?? "no error")" }
        return "\(records.count) tasks, \(byStatus); failed: \(failed)"
    }
}

/// Waits until every listed task is in a final status, and returns the audit; on a timeout the audit
/// of what is still unfinished goes into the error.
public func auditWhenFinished(_ ids: [TaskResultID], in store: SQLiteTaskStore, timeout: Duration = .seconds(60)) async throws -> TaskAudit {
    var last: TaskAudit?
    do {
        return try await waitFor("\(ids.count) tasks to finish", timeout: timeout, interval: .milliseconds(50)) {
            // A row being settled may be unreadable for a moment (a poisoned row before its claim fails it):
            // keep looking until the deadline; only a finished, readable set of rows is an audit.
            guard let audit = try? TaskAudit(ids, in: store) else { return nil }
            last = audit
            return audit.unfinished.isEmpty ? audit : nil
        }
    } catch let timeout as WaitTimedOut {
        throw WaitTimedOut(what: "\(timeout.what); still: \(last.map(String.init(describing:)) ?? "unread")", after: timeout.after)
    }
}

/// The pids of live processes whose command line mentions `fragment` (a scratch directory's path, say):
/// what a test left behind if it is not empty after the supervisor stopped.
public func livePIDs(mentioning fragment: String) -> [Int32] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    // C strings and strstr, one argument at a time: this runs on a test's cooperative thread, and a compiler's
    // command line is tens of KiB; turning every one into a String (or touching it byte by byte in this debug
    // build) and searching it with Foundation held the thread for seconds on a loaded machine. A fragment with a
    // space may span two arguments: only then is the whole line joined and searched.
    let spansArguments = fragment.contains(" ")
    return entries.compactMap(Int32.init).filter { pid in
        guard pid != getpid(), var commandLine = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
        let found: Bool
        if spansArguments {
            found = String(decoding: commandLine.map { $0 == 0 ? UInt8(ascii: " ") : $0 }, as: UTF8.self).contains(fragment)
        } else {
            commandLine.append(0)
            found = commandLine.withUnsafeBytes { raw in
                let arguments = raw.bindMemory(to: CChar.self)
                var offset = 0
                while offset < arguments.count - 1 {
                    let argument = arguments.baseAddress! + offset
                    if strstr(argument, fragment) != nil { return true }
                    offset += strlen(argument) + 1
                }
                return false
            }
        }
        return found && !processIsGone(pid)
    }
}
