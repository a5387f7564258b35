import Foundation
import Testing
@testable import OffloadSupervisor

extension ProcessTests {
    @Suite("A child that leads its own process group takes what it started with it")
    struct ProcessGroup {
        @Test("the child leads a new group, apart from this process's")
        func childLeadsItsOwnGroup() async throws {
            var request = ProcessFixture.sleeper()
            request.leadsProcessGroup = true
            let child = try await ChildProcess.spawn(request)
            defer { child.send(SIGKILL) }
            #expect(getpgid(child.pid) == child.pid)
            #expect(getpgid(child.pid) != getpgrp())
        }

        @Test("a grandchild left running dies when the child is killed")
        func grandchildDiesWithKilledChild() async throws {
            var request = ProcessFixture.shell("/bin/sleep 1000 & echo $!; exec /bin/sleep 1000")
            request.leadsProcessGroup = true
            let child = try await ChildProcess.spawn(request)
            let grandchild = try #require(await ProcessFixture.firstLine(of: child.standardOutputLines).flatMap { pid_t($0) })
            defer { kill(grandchild, SIGKILL) }
            child.send(SIGKILL)
            #expect(await child.waitForExit(timeout: ProcessFixture.deadline) == .signalled(SIGKILL, coreDumped: false))
            #expect(await ProcessFixture.eventually { isGoneOrZombie(grandchild) }, "grandchild \(grandchild) outlived its parent")
        }

        @Test("a grandchild left running dies when the child exits normally")
        func grandchildDiesWithExitingChild() async throws {
            let input = try FileDescriptorPipe()
            defer { close(input.writeEnd) }
            var request = ProcessFixture.shell("/bin/sleep 1000 & echo $!; read line <&3", extraDescriptors: [3: input.readEnd])
            request.leadsProcessGroup = true
            let child = try await ChildProcess.spawn(request)
            close(input.readEnd)
            let grandchild = try #require(await ProcessFixture.firstLine(of: child.standardOutputLines).flatMap { pid_t($0) })
            defer { kill(grandchild, SIGKILL) }
            ProcessFixture.write("go\n", to: input.writeEnd)
            #expect(await child.waitForExit(timeout: ProcessFixture.deadline) == .exited(0))
            #expect(await ProcessFixture.eventually { isGoneOrZombie(grandchild) }, "grandchild \(grandchild) outlived its parent")
        }

        @Test("without a group of its own, a child's exit leaves this process's group alone")
        func noGroupKillWithoutOwnGroup() async throws {
            let bystander = try await ChildProcess.spawn(ProcessFixture.sleeper())
            defer { bystander.send(SIGKILL) }
            let child = try await ChildProcess.spawn(ProcessFixture.shell("exit 0"))
            #expect(await child.waitForExit(timeout: ProcessFixture.deadline) == .exited(0))
            #expect(bystander.send(0), "a sibling in this process's group is still alive")
        }

        /// An orphan killed by the group kill is reaped by PID 1 (or a subreaper) a moment later.
        private func isGoneOrZombie(_ pid: pid_t) -> Bool {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return true }
            let state = stat[stat.index(close, offsetBy: 2)]
            return state == "Z" || state == "X"
        }
    }
}
