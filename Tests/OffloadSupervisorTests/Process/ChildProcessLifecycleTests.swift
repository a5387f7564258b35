import Foundation
import Testing
@testable import OffloadSupervisor

extension ProcessTests {
    @Suite("Spawning, output, exit status and signals")
    struct ChildProcessLifecycle {
        @Test("echo's stdout arrives line by line and it exits with status 0")
        func echoOutputArrivesAsLines() async throws {
            let child = try await ChildProcess.spawn(SpawnRequest(executable: "/bin/echo", arguments: ["hello", "two words"], output: .pipe))
            #expect(await ProcessFixture.collect(child.standardOutputLines) == ["hello two words"])
            #expect(await ProcessFixture.collect(child.standardErrorLines) == [])
            #expect(await child.waitForExit(timeout: ProcessFixture.deadline) == .exited(0))
        }

        @Test("stdout and stderr are separate line streams and exit 3 is reported as exited(3)")
        func separateStreamsAndExitStatus() async throws {
            let child = try await ChildProcess.spawn(ProcessFixture.shell("echo out; echo err >&2; printf 'partial'; exit 3"))
            #expect(await ProcessFixture.collect(child.standardOutputLines) == ["out", "partial"])
            #expect(await ProcessFixture.collect(child.standardErrorLines) == ["err"])
            let status = await child.waitForExit(timeout: ProcessFixture.deadline)
            #expect(status == .exited(3))
            #expect(status?.description == "exited with status 3")
        }

        @Test("SIGKILL sent to a sleeping child is reported as signalled(9)")
        func killedChildReportsSignal() async throws {
            let child = try await ChildProcess.spawn(ProcessFixture.sleeper())
            #expect(child.send(SIGKILL))
            let status = await child.waitForExit(timeout: ProcessFixture.deadline)
            #expect(status == .signalled(SIGKILL, coreDumped: false))
            #expect(status?.description == "killed by signal 9 (SIGKILL)")
            #expect(child.hasExited)
        }

        @Test("waitForExit called from two tasks returns the same status to both")
        func twoWaitersBothReturn() async throws {
            let child = try await ChildProcess.spawn(ProcessFixture.sleeper())
            async let first = child.waitForExit()
            async let second = child.waitForExit()
            child.send(SIGTERM)
            let statuses = await [first, second]
            #expect(statuses == [.signalled(SIGTERM, coreDumped: false), .signalled(SIGTERM, coreDumped: false)])
            // And a third call after the exit returns at once.
            #expect(await child.waitForExit() == .signalled(SIGTERM, coreDumped: false))
        }

        @Test("send after the child has exited returns false and changes nothing")
        func sendAfterExitIsHarmless() async throws {
            let child = try await ChildProcess.spawn(SpawnRequest(executable: "/bin/true"))
            #expect(await child.waitForExit(timeout: ProcessFixture.deadline) == .exited(0))
            #expect(child.send(SIGKILL) == false)
            #expect(child.send(SIGTERM) == false)
            #expect(child.exitStatus == .exited(0))
        }

        @Test("waitForExit with a timeout returns nil while the child runs, and the child keeps running")
        func timedWaitReturnsNilWhileRunning() async throws {
            let child = try await ChildProcess.spawn(ProcessFixture.sleeper())
            #expect(await child.waitForExit(timeout: .milliseconds(50)) == nil)
            #expect(!child.hasExited)
            #expect(await child.terminate(gracePeriod: ProcessFixture.deadline) == .signalled(SIGTERM, coreDumped: false))
        }

        @Test("a cancelled task group racing waitForExit against a timer does not hang")
        func timedWaitHonoursCancellation() async throws {
            let child = try await ChildProcess.spawn(ProcessFixture.sleeper())
            let waiter = Task { await child.waitForExit(timeout: .seconds(60)) }
            waiter.cancel()
            #expect(await waiter.value == nil)
            child.send(SIGKILL)
            #expect(await child.waitForExit(timeout: ProcessFixture.deadline) != nil)
        }

        @Test("terminate sends SIGKILL when SIGTERM is ignored past the grace period")
        func terminateEscalates() async throws {
            let child = try await ChildProcess.spawn(ProcessFixture.shell("trap '' TERM; echo ready; exec /bin/sleep 30"))
            #expect(await ProcessFixture.firstLine(of: child.standardOutputLines) == "ready")
            let status = await child.terminate(gracePeriod: .milliseconds(200))
            #expect(status == .signalled(SIGKILL, coreDumped: false))
        }

        @Test("a child nobody keeps a reference to is still reaped, leaving no zombie")
        func droppedChildIsReaped() async throws {
            let pid = try await ChildProcess.spawn(SpawnRequest(executable: "/bin/true")).pid
            let gone = await ProcessFixture.eventually { access("/proc/\(pid)", F_OK) != 0 }
            #expect(gone, "pid \(pid) is still in /proc: not reaped")
        }

        @Test("once reaped, a child object nobody references any more is released")
        func reapedChildIsReleased() async throws {
            weak var weakChild: ChildProcess?
            do {
                let child = try await ChildProcess.spawn(SpawnRequest(executable: "/bin/true", output: .pipe))
                weakChild = child
                #expect(await child.waitForExit(timeout: ProcessFixture.deadline) == .exited(0))
            }
            let released = await ProcessFixture.eventually { weakChild == nil }
            #expect(released, "the exit monitor still holds the ChildProcess after the exit")
        }

        @Test("stdin is /dev/null, so a program reading it sees end-of-file at once")
        func standardInputIsDevNull() async throws {
            let child = try await ChildProcess.spawn(SpawnRequest(executable: "/bin/cat", output: .pipe))
            #expect(await ProcessFixture.collect(child.standardOutputLines) == [])
            #expect(await child.waitForExit(timeout: ProcessFixture.deadline) == .exited(0))
        }

        @Test("the child gets exactly the given environment and working directory")
        func environmentAndWorkingDirectory() async throws {
            let env = try await ChildProcess.spawn(SpawnRequest(executable: "/usr/bin/env", environment: ["OFFLOAD_TEST": "a b=c"], output: .pipe))
            #expect(await ProcessFixture.collect(env.standardOutputLines) == ["OFFLOAD_TEST=a b=c"])
            let pwd = try await ChildProcess.spawn(SpawnRequest(executable: "/bin/pwd", arguments: ["-P"], workingDirectory: "/", output: .pipe))
            #expect(await ProcessFixture.collect(pwd.standardOutputLines) == ["/"])
        }

        @Test("a child writing 1 MiB to a pipe nobody reads still runs to its end")
        func unreadOutputNeverBlocksTheChild() async throws {
            let child = try await ChildProcess.spawn(SpawnRequest(executable: "/usr/bin/head", arguments: ["-c", "1048576", "/dev/zero"], output: .pipe))
            #expect(await child.waitForExit(timeout: ProcessFixture.deadline) == .exited(0))
        }

        @Test("exit statuses decode from raw waitpid values and describe themselves")
        func exitStatusDecodingAndDescription() {
            #expect(ExitStatus(waitStatus: 3 << 8) == .exited(3))
            #expect(ExitStatus(waitStatus: SIGKILL) == .signalled(SIGKILL, coreDumped: false))
            #expect(ExitStatus(waitStatus: SIGSEGV | 0x80) == .signalled(SIGSEGV, coreDumped: true))
            #expect(ExitStatus.signalled(SIGSEGV, coreDumped: true).description == "killed by signal 11 (SIGSEGV), core dumped")
            #expect(ExitStatus.exited(0).isSuccess)
            #expect(ExitStatus.exited(75).exitCode == 75)
            #expect(ExitStatus.signalled(SIGTERM, coreDumped: false).signal == SIGTERM)
            #expect(signalName(__libc_current_sigrtmin() + 2) == "SIGRTMIN+2")
        }
    }
}
