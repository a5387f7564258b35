import CSystemShims
import Foundation

/// Makes a supervised worker exit as soon as its supervisor is gone, however the supervisor died,
/// and takes down with it every process its tasks started.
///
/// Two mechanisms, because each covers a gap of the other: the lifeline pipe reaches EOF when the
/// supervisor's process ends (even by SIGKILL), whichever thread spawned us; the parent-death signal
/// is a kernel-side backup. The `getppid()` check closes the race where the parent died before prctl.
///
/// The supervisor starts each worker as the leader of its own process group, and processes a task
/// starts join it. So both paths kill the group: the lifeline thread kills the other members and
/// exits 75; the parent-death signal's handler kills the whole group, this worker included. A plain
/// `PR_SET_PDEATHSIG(SIGKILL)` would kill the worker alone and leave a task's children to PID 1.
enum Lifeline {
    static func arm(environment: [String: String] = ProcessInfo.processInfo.environment) {
        guard let supervisorPID = environment[WorkerProcessContract.supervisorPIDVariable].flatMap(pid_t.init) else { return }
        _ = offload_kill_process_group_on_parent_death(supervisorPID)
        if getppid() != supervisorPID {
            exitBecauseSupervisorIsGone()
        }
        guard let fd = environment[WorkerProcessContract.lifelineFDVariable].flatMap(Int32.init), fcntl(fd, F_GETFD) >= 0 else { return }
        // Not for processes a task starts: a copy there would outlive us, pointlessly.
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        // A plain thread blocked in read(2): it costs nothing while the supervisor lives and
        // does not depend on the cooperative pool being free.
        let thread = Thread {
            var byte: UInt8 = 0
            while true {
                let count = read(fd, &byte, 1)
                if count == 0 || (count < 0 && errno != EINTR) {
                    exitBecauseSupervisorIsGone()
                }
            }
        }
        thread.name = "offload.lifeline"
        thread.start()
    }

    private static func exitBecauseSupervisorIsGone() -> Never {
        StandardError.write("offload worker \(getpid()): supervisor is gone, exiting; its successor recovers the tasks this worker held\n")
        ProcessGroup.killOtherMembers()
        _exit(WorkerExitCode.supervisorGone)
    }
}
