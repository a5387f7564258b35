import Foundation

/// Resident memory of a process, read from `/proc/<pid>/statm`.
enum ProcessMemory {
    static func residentMebibytes(of pid: pid_t) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE))) / (1 << 20)
    }
}

/// Whether a process exists and is not a zombie, from `/proc/<pid>/stat`.
///
/// `kill(pid, 0)` is not enough: a dead worker whose parent died stays a zombie until PID 1 reaps
/// it, which can take seconds, and its tasks must not wait for that.
enum ProcessTable {
    static func isRunning(_ pid: pid_t) -> Bool {
        guard pid > 0, let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        let rest = stat[stat.index(after: close)...].drop { $0 == " " }
        guard let state = rest.first else { return false }
        return state != "Z" && state != "X"
    }
}
