import Glibc

extension ChildProcess {
    /// Asks the child to stop, and kills it if it has not exited within `gracePeriod`.
    ///
    /// Sends `signal` (SIGTERM: a worker drains, finishing what it runs), waits up to `gracePeriod`,
    /// then sends SIGKILL and waits for the exit. Returns at once if the child has already exited.
    ///
    /// If the calling task is cancelled, the rest of the grace period is skipped: the child is killed
    /// at once, and its exit is still awaited so that no process is left behind.
    ///
    /// - Returns: how the child ended; `.signalled(SIGKILL, …)` means the grace period ran out.
    @discardableResult
    public func terminate(signal: Int32 = SIGTERM, gracePeriod: Duration) async -> ExitStatus {
        if let exitStatus { return exitStatus }
        send(signal)
        if let status = await waitForExit(timeout: gracePeriod) { return status }
        send(SIGKILL)
        return await waitForExit()
    }
}
