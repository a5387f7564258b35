import Dispatch

/// Signals delivered to this process, as an `AsyncStream<Int32>`: the way an async supervisor hears
/// SIGHUP (reload), SIGCHLD, SIGUSR1 and the like.
///
/// ```swift
/// for await signal in SignalStream.make(for: [SIGHUP, SIGUSR1]) {
///     switch signal { case SIGHUP: await reload() … }
/// }
/// ```
///
/// Built on `DispatchSource.makeSignalSource`. On Linux libdispatch installs its own handler for each
/// signal, so no `signal(…, SIG_IGN)` is needed first, and none must be done for SIGCHLD: ignoring it
/// makes the kernel reap children itself and `waitpid` fail (platform notes §3).
///
/// - Create the stream at start-up, before the signals can arrive: until then their default action
///   applies, and SIGHUP's default is to terminate the process.
/// - Signals of one kind that arrive together are merged into one element (as POSIX signals are).
/// - Ending the iteration cancels the sources, but libdispatch keeps its handler installed, so those
///   signals are then swallowed rather than restored to their default action.
/// - SIGTERM and SIGINT are ServiceLifecycle's job (`ServiceGroup`'s graceful shutdown signals);
///   SIGKILL and SIGSTOP cannot be caught at all.
public enum SignalStream {
    /// Starts listening for `signals` now and returns the stream of their deliveries.
    public static func make(for signals: Set<Int32>) -> AsyncStream<Int32> {
        let (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
        let queue = DispatchQueue(label: "offload.signals")
        // Written in a nonisolated function, never in top-level code: a handler closure there would be
        // main-actor isolated and trap when it runs on `queue` (platform notes §3, pitfall E).
        let sources = signals.sorted().map { signal in
            let source = DispatchSource.makeSignalSource(signal: signal, queue: queue)
            source.setEventHandler { continuation.yield(signal) }
            source.resume()
            return source
        }
        let box = SignalSources(sources)
        continuation.onTermination = { _ in box.cancelAll() }
        return stream
    }
}

/// Carries the sources into the `@Sendable` termination handler.
// @unchecked Sendable because `DispatchSourceSignal` is not marked Sendable although libdispatch
// objects are thread-safe, and the array itself is never mutated after `init`.
private final class SignalSources: @unchecked Sendable {
    private let sources: [any DispatchSourceSignal]
    init(_ sources: [any DispatchSourceSignal]) { self.sources = sources }
    func cancelAll() { for source in sources { source.cancel() } }
}
