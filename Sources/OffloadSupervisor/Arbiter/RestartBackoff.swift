/// The wait before respawning after the `failures`-th failure in a row: initial, doubled each time, capped.
func restartBackoff(failures: Int, initial: Duration, maximum: Duration) -> Duration {
    guard failures > 0 else { return .zero }
    let exponent = min(failures - 1, 30)
    let wait = initial * (1 << exponent)
    return min(wait, maximum)
}
