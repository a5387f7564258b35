import Foundation

/// When processes started, on the kernel's clock rather than this test process's.
///
/// A test that polls for a new process sees it late when the test process itself is starved of CPU;
/// the kernel's record of when the process was forked is not delayed by that.
public enum ProcessStartTime {
    /// Seconds since boot now, from `/proc/uptime` (the clock `/proc/PID/stat` start times are counted on).
    public static func secondsSinceBoot() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/uptime", encoding: .utf8),
              let first = text.split(separator: " ").first else { return nil }
        return Double(first)
    }

    /// Seconds since boot at which `pid` was started, or nil once it is gone.
    public static func secondsSinceBoot(startOf pid: Int32) -> Double? {
        // The command name (field 2) is in parentheses and may hold spaces: count fields after its last ')'.
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // Field 22 (starttime) is the 20th after the command name: state is field 3.
        guard fields.count > 19, let ticks = Double(fields[19]) else { return nil }
        return ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
