import ArgumentParser
import Foundation
import OffloadSupervisor

extension RunCommand {
    /// The worker product to build when none is named: in a Swift package, with neither `--worker`,
    /// `--worker-product` nor their `OFFLOAD_*`/file settings, the package's only worker
    /// (``WorkerProductChoice``). `nil` when a setting names the worker, or outside a package.
    ///
    /// - Throws: ``ConfigurationError`` when the package has no worker or several; ``SupervisorError``
    ///   when its manifest cannot be read.
    func defaultWorkerProduct(file: ConfigurationFile, environment: [String: String]) async throws -> String? {
        guard worker == nil, workerProduct == nil,
              file.string(for: "worker", environment: environment) == nil,
              file.string(for: "worker-product", environment: environment) == nil else { return nil }
        let workingDirectory = FileManager.default.currentDirectoryPath
        let given = packagePath ?? workingDirectory
        let package = given.hasPrefix("/") ? given : URL(fileURLWithPath: workingDirectory).appendingPathComponent(given).standardizedFileURL.path
        guard FileManager.default.fileExists(atPath: package + "/Package.swift") else { return nil }
        let manifest = try await PackageManifest.load(packagePath: package)
        return try WorkerProductChoice.defaultProduct(in: manifest)
    }

    /// `--watch`: replaces the `watch` setting (OFFLOAD_WATCH, `watch =`), as every flag wins over them.
    /// Paths are relative to the package, as the setting's are.
    func applyWatchFlag(to settings: inout SupervisorSettings) throws {
        guard !watch.isEmpty else { return }
        let paths = try watch.flatMap { value in
            try ConfigurationValue(value, key: "watch", source: .commandLine(flag: "--watch")).list()
        }
        guard var reload = settings.reload else {
            throw ConfigurationError(.invalidValue, "--watch needs development mode: a worker built from a Swift package (no --worker), without --no-reload, and not under systemd (or `reload = true`).", isUsageError: true)
        }
        reload.extraWatchPaths = paths.map { path in
            path.hasPrefix("/") ? path : URL(fileURLWithPath: reload.packagePath).appendingPathComponent(path).standardizedFileURL.path
        }
        settings.reload = reload
    }
}
