import Foundation
import Testing
@testable import OffloadSupervisor

extension ProcessTests {
    @Suite("Spawn failures give errors a user can act on")
    struct SpawnErrors {
        @Test("a missing executable throws executableNotFound naming the path")
        func missingExecutable() async throws {
            let path = "/nonexistent/offload/worker-\(getpid())"
            let error = try await #require(throws: ChildProcessError.self) {
                try await ChildProcess.spawn(SpawnRequest(executable: path))
            }
            #expect(error.code == .executableNotFound)
            #expect(error.path == path)
            #expect(error.description.contains("not found at \(path)"))
        }

        @Test("a file without the execute bit throws notExecutable and suggests chmod +x")
        func fileWithoutExecuteBit() async throws {
            let path = try Self.temporaryFile(contents: "#!/bin/sh\n", mode: 0o644)
            defer { unlink(path) }
            let error = try await #require(throws: ChildProcessError.self) {
                try await ChildProcess.spawn(SpawnRequest(executable: path))
            }
            #expect(error.code == .notExecutable)
            #expect(error.description.contains("chmod +x \(path)"))
        }

        @Test("a directory throws notExecutable saying it is a directory")
        func directory() async throws {
            let error = try await #require(throws: ChildProcessError.self) {
                try await ChildProcess.spawn(SpawnRequest(executable: "/tmp"))
            }
            #expect(error.code == .notExecutable)
            #expect(error.description.contains("directory"))
        }

        @Test("a script whose #! interpreter is missing throws spawnFailed with a hint")
        func missingInterpreter() async throws {
            let path = try Self.temporaryFile(contents: "#!/nonexistent/interpreter\n", mode: 0o755)
            defer { unlink(path) }
            let error = try await #require(throws: ChildProcessError.self) {
                try await ChildProcess.spawn(SpawnRequest(executable: path))
            }
            #expect(error.code == .spawnFailed)
            #expect(error.systemError == ENOENT)
            #expect(error.description.contains("#! line"))
        }

        @Test("a relative executable path is rejected, since PATH is never searched")
        func relativePath() async throws {
            let error = try await #require(throws: ChildProcessError.self) {
                try await ChildProcess.spawn(SpawnRequest(executable: "echo"))
            }
            #expect(error.code == .invalidRequest)
        }

        @Test("a missing working directory throws workingDirectoryNotFound")
        func missingWorkingDirectory() async throws {
            let error = try await #require(throws: ChildProcessError.self) {
                try await ChildProcess.spawn(SpawnRequest(executable: "/bin/true", workingDirectory: "/nonexistent/dir"))
            }
            #expect(error.code == .workingDirectoryNotFound)
            #expect(error.path == "/nonexistent/dir")
        }

        @Test("mapping an extra descriptor onto stdin, stdout or stderr is rejected")
        func extraDescriptorBelowThree() async throws {
            let error = try await #require(throws: ChildProcessError.self) {
                try await ChildProcess.spawn(SpawnRequest(executable: "/bin/true", extraDescriptors: [1: 0]))
            }
            #expect(error.code == .invalidRequest)
        }

        /// A file in the temporary directory with the given contents and mode.
        static func temporaryFile(contents: String, mode: mode_t) throws -> String {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("offload-process-test-\(UUID().uuidString)").path
            try contents.write(toFile: path, atomically: false, encoding: .utf8)
            try #require(chmod(path, mode) == 0)
            return path
        }
    }
}
