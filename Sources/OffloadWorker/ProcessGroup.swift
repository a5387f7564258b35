import Foundation

/// The worker's process group: the supervisor starts each worker as its leader, and the processes
/// its tasks start (and theirs) belong to it unless they leave on purpose.
enum ProcessGroup {
    /// Kills (SIGKILL) every other live member of the group this worker leads, so that nothing a task
    /// started outlives the worker. Does nothing when the worker does not lead its group (started by
    /// hand, or by an older supervisor): that group is someone else's.
    ///
    /// `kill(0, SIGKILL)` would take the worker too, and it must still exit with its own status. So the
    /// members are found in `/proc`, and the scan repeats until it finds none, in case one was forking.
    static func killOtherMembers() {
        let leader = getpid()
        guard getpgrp() == leader else { return }
        for _ in 0..<10 {
            let members = liveMembers(of: leader).filter { $0 != leader }
            if members.isEmpty { return }
            for member in members { kill(member, SIGKILL) }
        }
    }

    /// Live (not zombie) processes whose process group is `group`, from `/proc/<pid>/stat`.
    private static func liveMembers(of group: pid_t) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(pid_t.init).filter { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let nameEnd = stat.lastIndex(of: ")") else { return false }
            // After "(name)": state, ppid, pgrp, …
            let fields = stat[stat.index(after: nameEnd)...].split(separator: " ")
            guard fields.count > 2, fields[0] != "Z", fields[0] != "X" else { return false }
            return pid_t(fields[2]) == group
        }
    }
}
