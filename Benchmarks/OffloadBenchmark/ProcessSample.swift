import Foundation

/// What `/proc` says about one process at one instant: CPU time used so far and resident memory.
///
/// CPU time is `utime + stime` from `/proc/<pid>/stat` (fields 14 and 15, in clock ticks, usually
/// 10 ms each), summed over every thread; resident memory is `VmRSS` from `/proc/<pid>/status`.
/// The difference of two samples is what the process spent in between.
///
/// RSS counts every page of the shared libraries the process touched (Swift runtime, Foundation,
/// SQLite), although one copy of those pages serves every Swift process on the machine. So the
/// sample also reads `/proc/<pid>/smaps_rollup`: PSS splits shared pages among the processes that
/// map them, and private memory is what one more worker really costs.
struct ProcessSample {
    var cpuSeconds: Double
    var residentBytes: Int
    /// Proportional set size: shared pages divided among the processes that use them.
    var proportionalBytes: Int
    /// Pages only this process maps (its heap, stacks, written data): the cost of one more process.
    var privateBytes: Int
    /// Voluntary context switches of every thread: roughly how often the process went to sleep and woke.
    var wakeUps: Int
    /// Time on a CPU summed over the live threads, from `/proc/<pid>/task/*/schedstat` (nanoseconds,
    /// unlike `stat`'s 10 ms ticks): precise enough to tell 1 ms from 0 over an idle period. Threads
    /// that have exited are missing from it, so long runs use ``cpuSeconds``.
    var threadCPUSeconds: Double

    static func read(pid: pid_t) -> ProcessSample? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        // Fields after "pid (comm)" start at field 3; the command name may hold spaces, hence lastIndex.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        let rollup = (try? String(contentsOfFile: "/proc/\(pid)/smaps_rollup", encoding: .utf8)) ?? ""
        return ProcessSample(
            cpuSeconds: (user + system) / ticksPerSecond,
            residentBytes: number(after: "VmRSS:", in: status) * 1024,
            proportionalBytes: number(after: "Pss:", in: rollup) * 1024,
            privateBytes: (number(after: "Private_Clean:", in: rollup) + number(after: "Private_Dirty:", in: rollup)) * 1024,
            wakeUps: voluntarySwitches(of: pid),
            threadCPUSeconds: threadCPUSeconds(of: pid))
    }

    /// "29.8 MB (PSS 12.0 MB, private 7.2 MB)".
    var memorySummary: String {
        "\(Units.megabytes(residentBytes)) (PSS \(Units.megabytes(proportionalBytes)), private \(Units.megabytes(privateBytes)))"
    }

    /// The number that follows `key` in a `/proc/*/status` file ("VmRSS:\t  1234 kB" gives 1234).
    private static func number(after key: String, in status: String) -> Int {
        for line in status.split(separator: "\n") where line.hasPrefix(key) {
            return line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first.flatMap { Int($0) } ?? 0
        }
        return 0
    }

    private static func threadCPUSeconds(of pid: pid_t) -> Double {
        let directory = "/proc/\(pid)/task"
        guard let threads = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return 0 }
        var nanoseconds = 0.0
        for thread in threads {
            // "<ns on CPU> <ns waiting to run> <time slices>"
            guard let text = try? String(contentsOfFile: "\(directory)/\(thread)/schedstat", encoding: .utf8),
                  let first = text.split(separator: " ").first, let value = Double(first) else { continue }
            nanoseconds += value
        }
        return nanoseconds / 1_000_000_000
    }

    private static func voluntarySwitches(of pid: pid_t) -> Int {
        let directory = "/proc/\(pid)/task"
        guard let threads = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return 0 }
        var total = 0
        for thread in threads {
            guard let status = try? String(contentsOfFile: "\(directory)/\(thread)/status", encoding: .utf8) else { continue }
            total += number(after: "voluntary_ctxt_switches:", in: status)
        }
        return total
    }
}
