import Foundation
import Testing
@testable import OffloadSupervisor

extension ProcessTests {
    @Suite("What a child inherits: signal mask, dispositions, descriptors")
    struct SpawnIsolation {
        @Test("a child spawned from inside a Task has an empty signal mask and ignores no signal")
        func signalMaskAndDispositionsAreReset() async throws {
            // Make the parent ignore a signal, as a library might; the child must not inherit that.
            let previous = signal(SIGUSR2, SIG_IGN)
            defer { signal(SIGUSR2, previous) }
            let child = try await Task.detached { try await ChildProcess.spawn(ProcessFixture.sleeper()) }.value
            defer { child.send(SIGKILL) }
            let blocked = try ProcessFixture.statusField("SigBlk", of: child.pid)
            let ignored = try ProcessFixture.statusField("SigIgn", of: child.pid)
            #expect(blocked == "0000000000000000")
            #expect(ignored == "0000000000000000")
        }

        @Test("a child has only fds 0, 1, 2 and its mapped descriptors, not the parent's others")
        func onlyStandardAndMappedDescriptorsAreInherited() async throws {
            let pipe = try FileDescriptorPipe()
            // Opened without O_CLOEXEC on purpose, as careless library code might.
            let leaky = open("/dev/null", O_RDONLY)
            try #require(leaky >= 0)
            defer { close(leaky); close(pipe.readEnd); close(pipe.writeEnd) }

            let child = try await ChildProcess.spawn(ProcessFixture.sleeper(.pipe, extraDescriptors: [3: pipe.readEnd]))
            defer { child.send(SIGKILL) }
            // sleep briefly holds a locale file open while it starts, so wait for the table to settle;
            // an inherited descriptor would never go away and fails the test at the deadline.
            var descriptors: [Int32] = []
            let settled = await ProcessFixture.eventually {
                descriptors = (try? ProcessFixture.openDescriptors(of: child.pid)) ?? []
                return descriptors == [0, 1, 2, 3]
            }
            #expect(settled, "fds open in the child: \(descriptors)")
        }

        @Test("an extra descriptor mapped to fd 3 is readable by the child")
        func mappedDescriptorIsReadable() async throws {
            let pipe = try FileDescriptorPipe()
            let child = try await ChildProcess.spawn(ProcessFixture.shell(#"read line <&3; echo "got $line""#, extraDescriptors: [3: pipe.readEnd]))
            close(pipe.readEnd)
            ProcessFixture.write("ping\n", to: pipe.writeEnd)
            close(pipe.writeEnd)
            #expect(await ProcessFixture.collect(child.standardOutputLines) == ["got ping"])
            #expect(await child.waitForExit(timeout: ProcessFixture.deadline) == .exited(0))
        }

        @Test("descriptors mapped onto each other's numbers still reach the right pipes")
        func swappedDescriptorNumbers() async throws {
            let first = try FileDescriptorPipe()
            let second = try FileDescriptorPipe()
            // Child fd <first.writeEnd> is the second pipe, and the other way round: a naive dup2
            // sequence would send both lines into the same pipe.
            let child = try await ChildProcess.spawn(ProcessFixture.shell(
                #"echo via-first-number > /dev/fd/$0; echo via-second-number > /dev/fd/$1"#,
                ["\(first.writeEnd)", "\(second.writeEnd)"],
                extraDescriptors: [first.writeEnd: second.writeEnd, second.writeEnd: first.writeEnd]))
            close(first.writeEnd)
            close(second.writeEnd)
            async let firstLines = ProcessFixture.collect(LineReader.lines(from: first.readEnd))
            async let secondLines = ProcessFixture.collect(LineReader.lines(from: second.readEnd))
            #expect(await firstLines == ["via-second-number"])
            #expect(await secondLines == ["via-first-number"])
            #expect(await child.waitForExit(timeout: ProcessFixture.deadline) == .exited(0))
        }

        @Test("closing one child's lifeline reaches it even while another child, spawned later, runs")
        func lifelineDoesNotLeakIntoLaterChildren() async throws {
            let lifeline = try FileDescriptorPipe()
            let worker = try await ChildProcess.spawn(ProcessFixture.shell(
                "read line <&4; echo lifeline closed", extraDescriptors: [4: lifeline.readEnd]))
            close(lifeline.readEnd)
            // Spawned while we still hold the write end: it must not inherit it.
            let bystander = try await ChildProcess.spawn(ProcessFixture.sleeper())
            defer { bystander.send(SIGKILL) }

            close(lifeline.writeEnd)
            #expect(await ProcessFixture.collect(worker.standardOutputLines) == ["lifeline closed"])
            #expect(await worker.waitForExit(timeout: ProcessFixture.deadline) != nil)
            #expect(!bystander.hasExited)
        }
    }
}
