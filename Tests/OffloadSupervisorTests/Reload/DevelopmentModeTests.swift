import Foundation
import Offload
import OffloadSupervisor
import OffloadProcessTesting
import OffloadTesting
import Testing

/// A copy of the fixture package, edited by every test in turn.
///
/// It lives in `.build-reload-fixture/` of this package (ignored by git), so its own `.build` — the
/// Offload package and its dependencies compiled for the fixture — survives between test runs and only
/// the first run on a machine pays for the full build. The sources are copied afresh each run.
final class ReloadFixturePackage: Sendable {
    static let shared = ReloadFixturePackage()

    let path = BuiltProducts.packageRoot + "/.build-reload-fixture/package"
    var sources: String { path + "/Sources/FixtureWorker" }

    private init() {
        let template = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/ReloadFixture").path
        let fileManager = FileManager.default
        try? fileManager.removeItem(atPath: path + "/Sources")
        try! fileManager.createDirectory(atPath: path, withIntermediateDirectories: true)
        try! fileManager.copyItem(atPath: template + "/Sources", toPath: path + "/Sources")
        let root = BuiltProducts.packageRoot
        let manifest = try! String(contentsOfFile: template + "/Package.swift.template", encoding: .utf8)
            .replacingOccurrences(of: "__OFFLOAD_PATH__", with: root)
            .replacingOccurrences(of: "__OFFLOAD_IDENTITY__", with: URL(fileURLWithPath: root).lastPathComponent.lowercased())
        try! manifest.write(toFile: path + "/Package.swift", atomically: true, encoding: .utf8)
    }

    /// Rewrites the version marker, the way an editor saves (write a new file, rename it over the old one).
    func setMarker(_ value: String) throws {
        try #"enum Marker { static let value = "\#(value)" }"#.write(toFile: sources + "/Marker.swift", atomically: true, encoding: .utf8)
    }

    func write(_ relativePath: String, _ text: String) throws {
        let url = URL(fileURLWithPath: sources + "/" + relativePath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: false, encoding: .utf8)
    }
}

@Suite("Development mode: watch, rebuild, swap", .serialized)
struct DevelopmentModeTests {
    let package = ReloadFixturePackage.shared

    /// Runs `body` with a development supervisor on the fixture (the first one waits for the initial
    /// build), then stops it with SIGTERM, even if `body` throws: a supervisor killed mid-build would
    /// leave `swift build`'s compiler jobs writing into the fixture's `.build` under the next test.
    func withSupervisor(_ body: (SupervisorProcess) async throws -> Void) async throws {
        try package.setMarker("v1")
        let supervisor = try await SupervisorProcess.startDevelopment(packagePath: package.path, product: "fixture-worker")
        do {
            try await supervisor.waitUntilReady(timeout: .seconds(900))
            // The marker written above may still be rebuilding from a previous test: settle first.
            try await waitForLog("the worker to answer v1", supervisor) { try await version(supervisor) == "v1" }
            try await body(supervisor)
        } catch {
            await supervisor.stop()
            throw error
        }
        await supervisor.stop()
    }

    func version(_ supervisor: SupervisorProcess) async throws -> String? {
        let id = try supervisor.enqueue("fixture.version")
        let record = try await supervisor.waitForStatus(id, [.successful, .failed], timeout: .seconds(60))
        return record.returnValue.flatMap { try? TaskJSON.decode(String.self, from: $0) }
    }

    /// Waits like `waitUntil`, printing the supervisor's log if the condition never comes true.
    func waitForLog(_ what: String, _ supervisor: SupervisorProcess, timeout: Duration = .seconds(300), _ condition: () async throws -> Bool) async throws {
        try await supervisor.explainingTimeout {
            try await waitUntil(what, timeout: timeout, interval: .milliseconds(50), condition)
        }
    }

    func reloads(_ supervisor: SupervisorProcess) -> Int { supervisor.log.filter { $0.contains("reloaded: save→seen") }.count }
    func rebuilds(_ supervisor: SupervisorProcess) -> Int { supervisor.log.filter { $0.contains(": rebuilding fixture-worker") }.count }

    @Test("changing a task's return value makes tasks enqueued afterwards return the new value")
    func editChangesBehaviour() async throws {
        try await withSupervisor { supervisor in
            let before = reloads(supervisor)
            try package.setMarker("v2")
            try await waitForLog("the reload", supervisor) { reloads(supervisor) > before }
            #expect(try await version(supervisor) == "v2")
            #expect(supervisor.log.contains { $0.contains("overhead beyond swift build") })
        }
    }

    @Test("a syntax error keeps the old workers serving and shows the compiler's error with file and line")
    func syntaxErrorKeepsOldWorkers() async throws {
        try await withSupervisor { supervisor in
            let workersBefore = try supervisor.status().workers.map(\.pid)
            try package.write("Marker.swift", "enum Marker { static let value = \"v3\" +  }\n")
            try await waitForLog("the failed build to be reported", supervisor) { supervisor.logContains("build failed") }
            #expect(supervisor.log.contains { $0.contains("Marker.swift:1:") && $0.contains("error:") })
            #expect(try await version(supervisor) == "v1")
            #expect(try supervisor.status().workers.map(\.pid) == workersBefore)

            let before = reloads(supervisor)
            try package.setMarker("v4")
            try await waitForLog("the next good save to recover", supervisor) { reloads(supervisor) > before }
            #expect(try await version(supervisor) == "v4")
        }
    }

    @Test("a file added in a new subdirectory triggers a rebuild")
    func newSubdirectoryIsWatched() async throws {
        try await withSupervisor { supervisor in
            let before = rebuilds(supervisor)
            try package.write("Added/Deeper/Helper.swift", "enum Helper { static let number = 42 }\n")
            try await waitForLog("a rebuild", supervisor) { rebuilds(supervisor) > before }
            #expect(supervisor.log.contains { $0.contains("change in") && $0.contains("Helper.swift") })
            try FileManager.default.removeItem(atPath: package.sources + "/Added")
            try await waitForLog("the removal's rebuild", supervisor) { rebuilds(supervisor) > before + 1 }
        }
    }

    @Test("twenty quick saves give one rebuild")
    func burstGivesOneRebuild() async throws {
        try await withSupervisor { supervisor in
            let rebuildsBefore = rebuilds(supervisor)
            let reloadsBefore = reloads(supervisor)
            for index in 0..<20 {
                try package.write("Burst/File\(index).swift", "enum Burst\(index) { static let value = \(index) }\n")
            }
            try await waitForLog("the reload", supervisor) { reloads(supervisor) > reloadsBefore }
            #expect(rebuilds(supervisor) == rebuildsBefore + 1)
            try FileManager.default.removeItem(atPath: package.sources + "/Burst")
            try await waitForLog("the clean-up reload", supervisor) { reloads(supervisor) > reloadsBefore + 1 }
        }
    }

    @Test("stopping the supervisor during a rebuild stops swift build and its compiler jobs too")
    func stopDuringRebuildStopsTheBuild() async throws {
        try await withSupervisor { supervisor in
            let before = rebuilds(supervisor)
            try package.setMarker("v6")
            try await waitForLog("the rebuild to start", supervisor) { rebuilds(supervisor) > before }
            let status = await supervisor.stop()
            #expect(status.isSuccess, "supervisor: \(status)")
            try await waitUntil("no process left working in the fixture package", timeout: .seconds(30)) {
                processes(workingIn: package.path).isEmpty
            }
        }
    }

    /// Processes of this user whose current directory is `path` or below it (a build and its compiler jobs).
    func processes(workingIn path: String) -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.filter { $0.allSatisfy(\.isNumber) }.compactMap { pid in
            guard let cwd = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd"),
                  cwd == path || cwd.hasPrefix(path + "/"), !processIsGone(Int32(pid)!) else { return nil }
            let command = (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) ?? "?"
            return "\(pid) \(command.trimmingCharacters(in: .whitespacesAndNewlines))"
        }
    }

    @Test("tasks in flight during a swap all finish exactly once")
    func swapLosesNothing() async throws {
        try await withSupervisor { supervisor in
            let requests = (0..<150).map { TaskRequest(taskName: "fixture.record", arguments: #"{"label": "f\#($0)", "milliseconds": 40}"#) }
            _ = try supervisor.store.enqueue(batch: requests)
            let before = reloads(supervisor)
            try package.setMarker("v5")
            try await waitForLog("the reload", supervisor) { reloads(supervisor) > before }
            try await waitUntil("every task to finish", timeout: .seconds(60)) {
                try await supervisor.store.counts().allSatisfy { $0.pending == 0 && $0.running == 0 }
            }
            let runs = supervisor.runs()
            #expect(runs.count == 150)
            #expect(Set(runs).count == 150)
            for record in try await supervisor.store.records(matching: TaskFilter(taskName: "fixture.record", limit: 200)) {
                #expect(record.status == .successful && record.attempts == 1)
            }
        }
    }
}
