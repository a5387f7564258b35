/// The largest value each kind of setting accepts.
///
/// A setting is typed in by a person, and a typo such as `1e300` or an extra row of zeros must be refused with a
/// message, never turned into a number so large that the arithmetic done with it later (adding a timeout to the
/// clock, doubling a backoff, MiB to bytes) traps and takes the supervisor down.
public enum ConfigurationLimits {
    /// Durations: a year, far beyond any sensible timeout, far below any overflow.
    public static let maximumSeconds = 31_536_000
    /// Worker processes per queue: no more than one supervisor runs in all (``SpawnLimits``).
    public static let maximumWorkers = SpawnLimits.maximumWorkers
    /// Tasks at once in one worker process.
    public static let maximumConcurrency = 1000
    /// A worker's memory ceiling in MiB (16 TiB).
    public static let maximumWorkerMemoryMiB = 16_777_216
    /// Tasks before a worker is replaced, and start-up failures in a row: only counted, never multiplied.
    public static let maximumCount = 1_000_000_000
}
