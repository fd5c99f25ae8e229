import Foundation

/// Colours for charts: viridis (sequential, perceptually uniform, colour-blind safe) and the
/// Okabe–Ito qualitative colours.
public enum Palette {
    /// matplotlib's viridis at 0, 0.1, …, 1.
    static let viridisStops: [(Double, Double, Double)] = [
        (0x44, 0x01, 0x54), (0x48, 0x24, 0x75), (0x41, 0x44, 0x87), (0x35, 0x5F, 0x8D), (0x2A, 0x78, 0x8E),
        (0x21, 0x91, 0x8C), (0x22, 0xA8, 0x84), (0x44, 0xBF, 0x70), (0x7A, 0xD1, 0x51), (0xBD, 0xDF, 0x26),
        (0xFD, 0xE7, 0x25),
    ]

    /// The viridis colour at `t` in [0, 1] (clamped; NaN is the dark end), as `#rrggbb`.
    public static func viridis(_ t: Double) -> String {
        let clamped = t.isNaN ? 0 : min(1, max(0, t))
        let position = clamped * Double(viridisStops.count - 1)
        let index = min(viridisStops.count - 2, Int(position))
        let f = position - Double(index)
        let (a, b) = (viridisStops[index], viridisStops[index + 1])
        func channel(_ x: Double, _ y: Double) -> Int { Int((x + (y - x) * f).rounded()) }
        return String(format: "#%02x%02x%02x", channel(a.0, b.0), channel(a.1, b.1), channel(a.2, b.2))
    }

    // Okabe & Ito (2008), "Color Universal Design".
    public static let blue = "#0072B2"
    public static let orange = "#E69F00"
    public static let vermillion = "#D55E00"
    public static let skyBlue = "#56B4E9"
    public static let grey = "#999999"
    public static let bluishGreen = "#009E73"
    public static let reddishPurple = "#CC79A7"
    public static let yellow = "#F0E442"
    public static let black = "#000000"

    /// Distinct colours for series (one per job of a comparison), in order; then again from the first.
    public static let qualitative = [blue, orange, bluishGreen, vermillion, reddishPurple, skyBlue, black, yellow]
}
