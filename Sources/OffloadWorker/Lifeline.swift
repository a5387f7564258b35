import CSystemShims
import Foundation

/// Makes a supervised worker exit as soon as its supervisor is gone, however the supervisor died.
///
/// Two mechanisms, because each covers a gap of the other: the lifeline pipe reaches EOF when the
/// supervisor's process ends (even by SIGKILL), whichever thread spawned us; PR_SET_PDEATHSIG is
/// a kernel-side backup. The `getppid()` check closes the race where the parent died before prctl.
enum Lifeline {
    static func arm(environment: [String: String] = ProcessInfo.processInfo.environment) {
        guard let supervisorPID = environment[WorkerProcessContract.supervisorPIDVariable].flatMap(pid_t.init) else { return }
        _ = offload_set_parent_death_signal(SIGKILL)
        if getppid() != supervisorPID {
            exitBecauseSupervisorIsGone()
        }
        guard let fd = environment[WorkerProcessContract.lifelineFDVariable].flatMap(Int32.init), fcntl(fd, F_GETFD) >= 0 else { return }
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
        let message = "offload worker \(getpid()): supervisor is gone, exiting; its successor recovers the tasks this worker held\n"
        FileHandle.standardError.write(Data(message.utf8))
        _exit(WorkerExitCode.supervisorGone)
    }
}
