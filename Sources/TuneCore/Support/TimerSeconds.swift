/// Seconds turned into what timers, sleeps and deadlines take, for any Double: NaN, infinity,
/// negative and huge values give a value in range instead of a trap (`Int32(.infinity)` traps).
public enum TimerSeconds {
    /// `seconds` within `range`; NaN gives `fallback`.
    public static func clamped(_ seconds: Double, to range: ClosedRange<Double>, fallback: Double) -> Double {
        guard !seconds.isNaN else { return fallback }
        return min(max(seconds, range.lowerBound), range.upperBound)
    }

    /// Whole milliseconds for `poll` and `usleep`: from 0 to an hour (NaN: 0), so that the
    /// microseconds `usleep` takes (a UInt32, at most about 71 minutes) hold them too.
    public static func milliseconds(_ seconds: Double) -> Int32 {
        Int32(clamped(seconds * 1000, to: 0...3_600_000, fallback: 0).rounded(.down))
    }
}
