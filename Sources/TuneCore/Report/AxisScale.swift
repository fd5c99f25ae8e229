import Foundation

/// A numeric chart axis: a domain widened to "nice" tick values, the ticks, their labels, and
/// where a value falls along it.
///
/// Linear axes step by 1, 2 or 5 × 10ᵏ (Heckbert's "nice numbers"); log axes put ticks on
/// decades (every 10ᵏ decades over a wide range; with 1, 2 and 5 in each decade when the range
/// is two decades or less). A constant range is padded (±10%, or ±1 around 0; a decade each
/// side on a log axis), and arithmetic halves values first so ±1e308 does not overflow.
public struct AxisScale: Sendable, Equatable {
    public enum Kind: String, Sendable { case linear, log }

    public var kind: Kind
    /// The domain, ends included (ticks at both ends).
    public var lower: Double
    public var upper: Double
    public var ticks: [Double]
    public var labels: [String]

    /// Where `x` falls: 0 at `lower`, 1 at `upper` (not clamped).
    public func fraction(_ x: Double) -> Double {
        switch kind {
        case .linear:
            let span = upper / 2 - lower / 2
            return span > 0 ? (x / 2 - lower / 2) / span : 0.5
        case .log:
            let (a, b) = (log10(lower), log10(upper))
            guard x > 0 else { return 0 }
            return b > a ? (log10(x) - a) / (b - a) : 0.5
        }
    }

    /// A linear axis over [low, high] with about `targetTicks` intervals, stepping by at least
    /// `minimumStep` (1 for counts such as trial numbers and steps).
    public static func linear(_ low: Double, _ high: Double, targetTicks: Int = 5, minimumStep: Double = 0) -> AxisScale {
        var (lo, hi) = (min(low, high), max(low, high))
        if !lo.isFinite || !hi.isFinite { (lo, hi) = (lo.isFinite ? lo : -Double.greatestFiniteMagnitude, hi.isFinite ? hi : .greatestFiniteMagnitude) }
        if lo.isNaN || hi.isNaN { (lo, hi) = (0, 1) }
        if lo == hi {
            let pad = lo == 0 ? 1 : abs(lo) * 0.1
            (lo, hi) = (lo - pad, hi + pad)
        }
        let step = max(minimumStep, niceStep((hi / 2 - lo / 2) * 2 / Double(max(1, targetTicks)), ifInfinite: (hi / 2 - lo / 2) / Double(max(1, targetTicks))))
        let first = (lo / step).rounded(.down)
        let last = (hi / step).rounded(.up)
        let count = Int(last - first)
        guard step > 0, count >= 1, count <= 50 else {
            return AxisScale(kind: .linear, lower: lo, upper: hi, ticks: [lo, hi], labels: [compact(lo), compact(hi)])
        }
        let ticks = (0...count).map { (first + Double($0)) * step }
        let lower = ticks[0].isFinite ? ticks[0] : lo
        let upper = ticks[count].isFinite ? ticks[count] : hi
        let finite = ticks.filter(\.isFinite)
        return AxisScale(kind: .linear, lower: lower, upper: upper, ticks: finite, labels: finite.map { label($0, step: step) })
    }

    /// A log₁₀ axis over [low, high]; both must be positive (else a linear axis).
    public static func log(_ low: Double, _ high: Double) -> AxisScale {
        let (lo, hi) = (min(low, high), max(low, high))
        guard lo > 0, hi.isFinite else { return linear(low, high) }
        var a = max(-307, floor(log10(lo)))
        var b = min(308, ceil(log10(hi)))
        if a >= b { (a, b) = (a - 1, b + 1) }
        let decades = b - a
        let stride = decades <= 6 ? 1 : niceStep(decades / 6, ifInfinite: 1)
        a = (a / stride).rounded(.down) * stride
        b = (b / stride).rounded(.up) * stride
        a = max(-307, a)
        b = min(308, b)
        var ticks: [Double] = []
        var e = a
        while e <= b {
            let decade = pow(10, e)
            ticks.append(decade)
            if decades <= 2 && e < b { ticks += [2 * decade, 5 * decade] }
            e += stride
        }
        return AxisScale(kind: .log, lower: pow(10, a), upper: pow(10, b), ticks: ticks, labels: ticks.map(compact))
    }

    /// A log axis when every value is positive and they span at least `decades` decades, else linear.
    public static func automatic(_ values: [Double], decades: Double = 2) -> AxisScale {
        let finite = values.filter(\.isFinite)
        guard let lo = finite.min(), let hi = finite.max() else { return linear(0, 1) }
        if lo > 0, log10(hi) - log10(lo) >= decades { return log(lo, hi) }
        return linear(lo, hi)
    }

    /// 1, 2 or 5 × 10ᵏ, the nice number nearest above `raw`.
    static func niceStep(_ raw: Double, ifInfinite fallback: Double) -> Double {
        guard raw.isFinite else { return niceStep(fallback, ifInfinite: 1) }
        guard raw > 0 else { return 1 }
        let exponent = floor(log10(raw))
        let power = pow(10, exponent)
        let fraction = raw / power
        let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        let step = nice * power
        return step.isFinite ? step : power
    }

    /// A tick label with as many decimals as the step needs; exponent form past 1e6 or below 1e-4.
    public static func label(_ x: Double, step: Double) -> String {
        if x == 0 || abs(x) < abs(step) * 1e-9 { return "0" }
        let magnitude = max(abs(x), abs(step))
        if magnitude >= 1e6 || magnitude < 1e-4 {
            let digits = max(0, Int(floor(log10(abs(x)))) - Int(floor(log10(abs(step)) + 1e-9)))
            return exponentForm(String(format: "%.\(min(digits, 15))e", x))
        }
        let decimals = max(0, -Int(floor(log10(abs(step)) + 1e-9)))
        return String(format: "%.\(min(decimals, 15))f", x)
    }

    /// A value in at most 5 significant digits (4 in exponent form): `0.0123`, `1234`, `1.5e-300`, `-2e12`.
    public static func compact(_ x: Double) -> String {
        guard x.isFinite else { return "\(x)" }
        if x == 0 { return "0" }
        if abs(x) >= 1e-3 && abs(x) < 1e5 {
            return String(format: "%.5g", x)
        }
        return exponentForm(String(format: "%.3e", x))
    }

    /// `1.500e+07` → `1.5e7`, `2e-05` → `2e-5`.
    static func exponentForm(_ text: String) -> String {
        guard let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) else { return text }
        var mantissa = String(text[..<e])
        if mantissa.contains(".") {
            while mantissa.hasSuffix("0") { mantissa.removeLast() }
            if mantissa.hasSuffix(".") { mantissa.removeLast() }
        }
        let exponent = Int(text[text.index(after: e)...].replacingOccurrences(of: "+", with: "")) ?? 0
        return "\(mantissa)e\(exponent)"
    }
}
