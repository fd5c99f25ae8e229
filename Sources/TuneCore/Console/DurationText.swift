import Foundation

/// Durations as people read them in tune's output: `42s`, `3m05s`, `2h01m`.
public enum DurationText {
    public static func format(_ seconds: TimeInterval) -> String {
        // Any Double, NaN and infinity included, without trapping: beyond a million hours is said as such.
        guard seconds.isFinite else { return seconds.isNaN ? "?" : (seconds < 0 ? "-∞" : "∞") }
        let s = Int(min(max(seconds, -3.6e9), 3.6e9).rounded(.down))
        if s < 60 { return "\(s)s" }
        if s < 3600 { return String(format: "%dm%02ds", s / 60, s % 60) }
        return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60)
    }
}
