import Foundation

/// Axis ticks at round values (1, 2, 2.5 or 5 × 10ⁿ) and their compact labels.
public enum NiceTicks {
    /// A round step near `span / count`.
    public static func step(span: Double, count: Int) -> Double {
        guard span > 0, span.isFinite else { return 1 }
        let raw = span / Double(max(count, 1))
        let magnitude = pow(10, floor(log10(raw)))
        let fraction = raw / magnitude
        let nice: Double = fraction < 1.5 ? 1 : fraction < 2.25 ? 2 : fraction < 3.5 ? 2.5 : fraction < 7.5 ? 5 : 10
        return nice * magnitude
    }

    /// The axis range widened to whole steps around `low…high`, and the ticks in it (about `count` intervals).
    /// A range of one value is widened around it.
    public static func linear(_ low: Double, _ high: Double, count: Int) -> (low: Double, high: Double, ticks: [Double], step: Double) {
        var (low, high) = (min(low, high), max(low, high))
        if high - low <= abs(high) * 1e-12 {
            let pad = low == 0 ? 1 : abs(low) * 0.1
            (low, high) = (low - pad, high + pad)
        }
        let step = Self.step(span: high - low, count: count)
        let first = floor(low / step + 1e-9) * step
        let last = ceil(high / step - 1e-9) * step
        var ticks: [Double] = []
        var i = 0.0
        while first + i * step <= last + step * 1e-9 && ticks.count < 1000 {
            let tick = first + i * step
            ticks.append(abs(tick) < step * 1e-9 ? 0 : tick)
            i += 1
        }
        return (first, last, ticks, step)
    }

    /// Log axis (values > 0): the range widened to whole decades, and a tick at each decade
    /// (every second or third decade when there are many).
    public static func logarithmic(_ low: Double, _ high: Double, count: Int) -> (low: Double, high: Double, ticks: [Double]) {
        let lo = floor(log10(min(low, high)) + 1e-9)
        var hi = ceil(log10(max(low, high)) - 1e-9)
        if hi <= lo { hi = lo + 1 }
        let every = max(1, Int(ceil((hi - lo) / Double(max(count, 1)))))
        // Both ends on a labelled decade.
        hi = lo + ceil((hi - lo) / Double(every)) * Double(every)
        let ticks = stride(from: Int(lo), through: Int(hi), by: every).map { pow(10, Double($0)) }
        return (pow(10, lo), pow(10, hi), ticks)
    }

    /// A tick label: `0.25`, `12`, `1.5k`, `3M`, `1e-5`. `step` sets how many decimals plain numbers get.
    public static func label(_ value: Double, step: Double? = nil) -> String {
        if value == 0 { return "0" }
        let magnitude = abs(value)
        if magnitude >= 1e15 || magnitude < 1e-3 { return scientific(value) }
        if magnitude >= 1e3 {
            for (scale, suffix) in [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")] where magnitude >= scale {
                return trimmed(String(format: "%.2f", value / scale)) + suffix
            }
        }
        let decimals: Int
        if let step, step > 0 {
            // 0.05 → 2 decimals, 0.25 → 2 (the step's own digits), 10 → 0.
            let places = ceil(-log10(step) - 1e-9)
            let extra = abs(step * pow(10, places) - 2.5) < 1e-6 ? 1 : 0
            decimals = min(6, max(0, Int(places) + extra))
        } else {
            decimals = 4
        }
        return trimmed(String(format: "%.\(decimals)f", value))
    }

    /// `1e-5`, `2.5e+20` → `2.5e20`.
    static func scientific(_ value: Double) -> String {
        let text = String(format: "%.2g", value)
        guard let e = text.firstIndex(of: "e") else { return text }
        let mantissa = trimmed(String(text[..<e]))
        var exponent = String(text[text.index(after: e)...])
        let negative = exponent.hasPrefix("-")
        exponent = String(exponent.drop { $0 == "+" || $0 == "-" || $0 == "0" })
        return mantissa + "e" + (negative ? "-" : "") + (exponent.isEmpty ? "0" : exponent)
    }

    /// `1.50` → `1.5`, `2.00` → `2`.
    static func trimmed(_ text: String) -> String {
        guard text.contains("."), !text.contains("e") else { return text }
        var text = text
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
