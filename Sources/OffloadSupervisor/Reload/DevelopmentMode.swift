import Foundation
import Logging
import Offload

/// The development loop: watch the package's sources, rebuild the worker with `swift build`, and swap
/// in new workers once they are ready; a failed build keeps the old workers and shows the errors.
///
/// Runs the supervisor and the watcher side by side; stopping the supervisor (SIGTERM, SIGINT) ends both.
public struct DevelopmentMode: Sendable {
    public let supervisor: Supervisor
    public let settings: ReloadSettings
    public let logger: Logger
    public var quietPeriod: Duration = ChangeDebouncer.defaultQuietPeriod

    public init(supervisor: Supervisor, settings: ReloadSettings, logger: Logger) {
        self.supervisor = supervisor
        self.settings = settings
        self.logger = logger
    }

    public func run() async throws {
        let builder = try PackageBuilder(packagePath: settings.packagePath, product: settings.product)
        let roots = await watchRoots() + settings.extraWatchPaths
        let watcher = try SourceWatcher(SourceWatcherConfiguration(
            roots: roots, ignoredPatterns: WatchFilter.defaultIgnoredPatterns + settings.extraIgnoredPatterns))
        defer { watcher.stop() }
        logger.notice("development mode: watching \(roots.joined(separator: ", ")); rebuilding \(settings.product) on change")
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await supervisor.run() }
            group.addTask {
                await watcher.changes().forEachRebuild(quietPeriod: quietPeriod) { request in
                    await rebuild(request, builder: builder)
                }
            }
            // The supervisor returning (a stop signal) ends development mode.
            try await group.next()
            group.cancelAll()
        }
    }

    /// What the worker product is built from (``WorkerWatchRoots``). If the manifest cannot be read,
    /// the package's `Sources/` and `Package.swift`, with a warning saying why.
    func watchRoots() async -> [String] {
        do {
            let manifest = try await PackageManifest.load(packagePath: settings.packagePath)
            return try await WorkerWatchRoots.roots(product: settings.product, in: manifest)
        } catch {
            logger.warning("cannot tell which sources \(settings.product) is built from, so watching all of \(settings.packagePath)/Sources: \(error)")
            return SourceWatcherConfiguration.package(at: settings.packagePath).roots
        }
    }

    /// One reload: build, then swap. Logs one line with the timings of each step.
    func rebuild(_ request: RebuildRequest, builder: PackageBuilder) async {
        let clock = ContinuousClock()
        let buildStart = clock.now
        let seenToBuild = buildStart - request.firstSeenAt
        for warning in request.warnings { logger.warning("\(warning)") }
        let changed = request.overflow ? "many files (event queue overflow)" : request.paths.prefix(3).map { URL(fileURLWithPath: $0).lastPathComponent }.joined(separator: ", ") + (request.paths.count > 3 ? " and \(request.paths.count - 3) more" : "")
        logger.notice("change in \(changed): rebuilding \(settings.product)")
        let result: BuildResult
        do {
            result = try await builder.build(onLockWait: {
                logger.notice("waiting for the build lock: another swift command is using \(settings.packagePath)/.build")
            })
        } catch {
            logger.error("cannot run swift build: \(error); the old workers keep running")
            return
        }
        guard result.succeeded else {
            let diagnostics = result.diagnostics
            let shown = diagnostics.isEmpty ? result.output.suffix(15).map(\.text) : Array(diagnostics.prefix(15))
            logger.error("build failed (\(result.status)) after \(result.duration.formatted); the old workers keep running. Fix and save again:\n\(shown.joined(separator: "\n"))")
            return
        }
        let swapStart = clock.now
        do {
            try await supervisor.replaceAllWorkers(reason: "rebuild")
            let ready = clock.now - swapStart
            let saveToSeen = Self.saveToSeen(request)
            logger.notice("reloaded: save→seen \(saveToSeen.map(\.formatted) ?? "?"), debounce \(seenToBuild.formatted), build \(result.duration.formatted), new workers ready in \(ready.formatted); overhead beyond swift build \((seenToBuild + ready).formatted)")
        } catch {
            logger.error("new workers failed, the old ones keep running: \(error)")
        }
    }

    /// From the newest modification time among the changed files to the moment the change was seen.
    static func saveToSeen(_ request: RebuildRequest) -> Duration? {
        let seenAgo = ContinuousClock.now - request.firstSeenAt
        let modified = request.paths.compactMap { path in
            (try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate]) as? Date
        }
        guard let earliest = modified.min() else { return nil }
        let sinceSave = Date().timeIntervalSince(earliest)
        return max(.zero, .seconds(sinceSave) - seenAgo)
    }
}
