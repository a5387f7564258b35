import Dispatch
import Foundation
import Synchronization

/// Watches a package's sources with inotify and reports each change, for dev mode's
/// rebuild-and-swap loop.
///
/// ```swift
/// let watcher = try SourceWatcher(.package(at: packagePath))
/// await watcher.changes().forEachRebuild { request in
///     logger.info("rebuilding", metadata: ["paths": "\(request.paths.count)"])
///     await rebuildAndSwapWorkers()   // changes seen meanwhile give exactly one more call
/// }
/// ```
///
/// Directories are watched recursively, including those created later (and what was written in
/// them before their watch existed); files are watched through their directory, so rename-saves are
/// seen. Paths matching ``SourceWatcherConfiguration/ignoredPatterns`` (`.build*`, `.git`, editor
/// swap and backup files by default) never produce a change.
///
/// libinotifytools does the watching. It keeps its state in process-wide globals and its wait
/// blocks, so it runs on one dedicated thread, never on Swift's cooperative pool, and **only one
/// `SourceWatcher` may run in a process at a time**.
///
/// The watcher stops when ``stop()`` is called or when the task iterating ``changes()`` is
/// cancelled; dropping the last reference does not stop it. The stream finishes once the thread
/// has let go of the library, and only then can another watcher start.
public final class SourceWatcher: Sendable {
    private let stream: AsyncStream<SourceChange>
    private let wakeUp: SourceWatcherWakeUp

    /// Starts watching.
    ///
    /// Blocks the caller while the roots are first walked and watched: milliseconds for a
    /// package, since ignored directories such as `.build` are not entered.
    ///
    /// - Throws: ``SourceWatcherError``: ``SourceWatcherError/Code/pathNotFound`` for a missing
    ///   root, ``SourceWatcherError/Code/watchLimitReached`` when `fs.inotify.max_user_watches` is
    ///   used up, ``SourceWatcherError/Code/instanceLimitReached``,
    ///   ``SourceWatcherError/Code/alreadyActive`` while another watcher runs, and
    ///   ``SourceWatcherError/Code/invalidConfiguration`` for relative or no roots.
    public init(_ configuration: SourceWatcherConfiguration) throws(SourceWatcherError) {
        try configuration.validate()
        try SourceWatcherSlot.claim()
        let wakeUp = SourceWatcherWakeUp()
        let (stream, continuation) = AsyncStream.makeStream(of: SourceChange.self)
        continuation.onTermination = { _ in wakeUp.requestStop() }
        let startup = Startup()
        let thread = Thread {
            Self.watch(configuration, wakeUp: wakeUp, continuation: continuation, startup: startup)
        }
        thread.name = "offload-source-watcher"
        thread.start()
        if let failure = startup.wait() { throw failure }
        self.stream = stream
        self.wakeUp = wakeUp
    }

    /// The changes, in the order they were seen. Iterate it from one task only.
    ///
    /// Unbuffered in count: a checkout touching thousands of files queues thousands of small
    /// values; ``forEachRebuild(quietPeriod:isolation:_:)`` folds them into one rebuild.
    public func changes() -> AsyncStream<SourceChange> { stream }

    /// Asks the watcher thread to stop. Returns at once; ``changes()`` finishes shortly after,
    /// when the thread has removed its watches.
    public func stop() { wakeUp.requestStop() }

    /// The watcher thread's whole life. Every libinotifytools call happens below this point.
    private static func watch(
        _ configuration: SourceWatcherConfiguration, wakeUp: SourceWatcherWakeUp,
        continuation: AsyncStream<SourceChange>.Continuation, startup: Startup
    ) {
        let session: SourceWatcherSession
        do throws(SourceWatcherError) {
            session = try SourceWatcherSession(configuration, wakeUp: wakeUp)
        } catch {
            wakeUp.removeFile()
            SourceWatcherSlot.release()  // before reporting, so a retry right after the throw can start
            startup.finish(error)
            continuation.finish()
            return
        }
        startup.finish(nil)
        session.run { continuation.yield($0) }
        session.close()
        wakeUp.removeFile()
        SourceWatcherSlot.release()  // before finishing, so a consumer that sees the end may start anew
        continuation.finish()
    }

    /// Hands the thread's setup outcome to the initializer waiting for it.
    private final class Startup: Sendable {
        private let failure = Mutex<SourceWatcherError?>(nil)
        private let done = DispatchSemaphore(value: 0)

        func finish(_ error: SourceWatcherError?) {
            failure.withLock { $0 = error }
            done.signal()
        }

        func wait() -> SourceWatcherError? {
            done.wait()
            return failure.withLock { $0 }
        }
    }
}

extension SourceWatcher {
    /// Starts watching `configuration`; see ``init(_:)``.
    public convenience init(
        roots: [String], ignoredPatterns: [String] = WatchFilter.defaultIgnoredPatterns
    ) throws(SourceWatcherError) {
        try self.init(SourceWatcherConfiguration(roots: roots, ignoredPatterns: ignoredPatterns))
    }
}
