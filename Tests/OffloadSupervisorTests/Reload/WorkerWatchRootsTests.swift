import Foundation
import OffloadTesting
import Testing
@testable import OffloadSupervisor

/// Development mode watches what the worker product is built from (issue 12, item 11): its targets,
/// the targets of the local path packages it uses, and their manifests; not the web app next to it.
@Suite("What development mode watches")
struct WorkerWatchRootsTests {
    @Test("the worker's targets and its local path package are watched; the web app and unused targets are not")
    func rootsFollowTheWorkerProduct() async throws {
        let fixture = try FixturePackageCopy("ShopApp")
        let manifest = try await PackageManifest.load(packagePath: fixture.file("App"))
        let roots = try await WorkerWatchRoots.roots(product: "ShopWorker", in: manifest)
        let offload = BuiltProducts.packageRoot
        for watched in [
            "App/Package.swift", "App/Sources/ShopWorker", "App/Sources/ShopTasks",
            "SharedLib/Package.swift", "SharedLib/Sources/SharedLib",
        ] {
            #expect(roots.contains(fixture.file(watched)), "\(watched) is not watched: \(roots)")
        }
        // Offload is a local path package here too: the products the worker uses, and nothing else of it.
        #expect(roots.contains(offload + "/Sources/OffloadWorker"), "\(roots)")
        #expect(!roots.contains(offload + "/Sources/OffloadPostgres"), "\(roots)")
        #expect(!roots.contains(offload + "/Sources/OffloadSupervisor"), "\(roots)")
        #expect(!roots.contains(fixture.file("App/Sources/ShopWeb")), "\(roots)")
        #expect(!roots.contains(fixture.file("SharedLib/Sources/SharedExtras")), "\(roots)")
        #expect(!roots.contains(fixture.file("App/Sources")), "the whole Sources folder is watched: \(roots)")
    }

    @Test("a product the package does not have is an error naming the ones it has")
    func unknownProductIsNamed() async throws {
        let fixture = try FixturePackageCopy("ShopApp")
        let manifest = try await PackageManifest.load(packagePath: fixture.file("App"))
        let error = await #expect(throws: SupervisorError.self) {
            try await WorkerWatchRoots.roots(product: "example-worker", in: manifest)
        }
        #expect(error?.message.contains("ShopWorker") == true, "\(String(describing: error))")
    }
}

extension SourceWatcherTests {
    @Test("with the worker's watch roots, an edit in a local path package is seen and one in the web app is not")
    func localPackageSeenWebAppIgnored() async throws {
        let fixture = try FixturePackageCopy("ShopApp")
        let manifest = try await PackageManifest.load(packagePath: fixture.file("App"))
        let roots = try await WorkerWatchRoots.roots(product: "ShopWorker", in: manifest)
        try await withSourceWatcher(SourceWatcherConfiguration(roots: roots)) { _, recorder in
            let shared = fixture.file("SharedLib/Sources/SharedLib/Money.swift")
            try fixture.write("SharedLib/Sources/SharedLib/Money.swift", "public func priceInCents(_ euros: Int) -> Int { euros * 100 + 0 }\n")
            try await recorder.waitForChange(at: shared)
            // The web app and the local package's unused target, then a marker that must be seen: inotify
            // delivers in order, so once the marker is recorded the earlier writes were handled too.
            try fixture.write("App/Sources/ShopWeb/main.swift", "print(\"edited web app\")\n")
            try fixture.write("SharedLib/Sources/SharedExtras/Extras.swift", "public let extrasVersion = 2\n")
            let marker = fixture.file("App/Sources/ShopTasks/Tasks.swift")
            try fixture.write("App/Sources/ShopTasks/Tasks.swift", "// marker\n")
            try await recorder.waitForChange(at: marker)
            let seen = recorder.paths
            #expect(!seen.contains { $0.contains("/ShopWeb/") || $0.contains("/SharedExtras/") }, "\(seen)")
        }
    }
}
