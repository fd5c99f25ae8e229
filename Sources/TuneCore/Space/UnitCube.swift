import Foundation

/// Maps each parameter to the unit interval and back, so strategies work in [0, 1]^d and
/// Cloud ML's scale names live only here and at the YAML boundary.
///
/// Warps, for a range [lo, hi]:
/// - linear (and `NONE`): x = lo + u (hi − lo)
/// - log: x = exp(ln lo + u (ln hi − ln lo)), so each decade gets equal room (needs lo > 0)
/// - reverse log: x = hi + lo − exp(ln lo + (1 − u)(ln hi − ln lo)), the log warp mirrored so
///   points crowd near hi (momentum-like parameters: 0.9, 0.99, 0.999) (needs lo > 0)
/// INTEGER values are warped as reals over [lo − ½, hi + ½] and rounded, so every integer gets an
/// equal cell on a linear scale; CATEGORICAL and
/// DISCRETE values split [0, 1] into equal cells, one per value.
extension ParameterSpec {
    /// The parameter's value at unit coordinate `u` (clamped to [0, 1]).
    public func value(atUnit u: Double) -> ParameterValue {
        let u = min(max(u.isNaN ? 0 : u, 0), 1)
        switch domain {
        case .double(let lo, let hi, let scale):
            return .double(Self.warp(u, lo: lo, hi: hi, scale: scale))
        case .integer(let lo, let hi, let scale):
            let x = Self.warp(u, lo: Double(lo) - 0.5, hi: Double(hi) + 0.5, scale: scale).rounded()
            // Compared as doubles first: Int(x) traps past Int's range (bounds near ±2⁶³).
            guard x > Double(lo) else { return .integer(lo) }
            guard x < Double(hi) else { return .integer(hi) }
            return .integer(min(max(Int(x), lo), hi))
        case .categorical(let values):
            return .categorical(values[Self.cell(u, count: values.count)])
        case .discrete(let values):
            return .discrete(values[Self.cell(u, count: values.count)])
        }
    }

    /// The unit coordinate of `value` (the inverse of `value(atUnit:)`, at cell centres for choices).
    public func unit(of value: ParameterValue) -> Double {
        switch (domain, value) {
        case (.double(let lo, let hi, let scale), _):
            return Self.unwarp(value.number ?? lo, lo: lo, hi: hi, scale: scale)
        case (.integer(let lo, let hi, let scale), _):
            guard hi > lo else { return 0.5 }
            return Self.unwarp(value.number ?? Double(lo), lo: Double(lo) - 0.5, hi: Double(hi) + 0.5, scale: scale)
        case (.categorical(let values), .categorical(let s)):
            return Self.centre(values.firstIndex(of: s) ?? 0, count: values.count)
        case (.discrete(let values), .discrete(let d)):
            return Self.centre(values.firstIndex(of: d) ?? 0, count: values.count)
        default:
            return 0
        }
    }

    /// The unit coordinate of a DOUBLE or INTEGER value outside the range: below 0 or above 1 on
    /// the same scale (`unit(of:)` clamps). nil where the scale cannot place it (a log scale's
    /// value ≤ 0, a reverse log's ≥ lo + hi) or the coordinate is not finite.
    public func unitBeyondBounds(of value: ParameterValue) -> Double? {
        guard let x = value.number, x.isFinite else { return nil }
        let (lo, hi, scale): (Double, Double, ScaleType)
        switch domain {
        case .double(let l, let h, let s): (lo, hi, scale) = (l, h, s)
        case .integer(let l, let h, let s): (lo, hi, scale) = (Double(l) - 0.5, Double(h) + 0.5, s)
        default: return nil
        }
        guard hi > lo else { return nil }
        let u: Double
        switch scale {
        case .none, .linear: u = (x - lo) / (hi - lo)
        case .log:
            guard x > 0 else { return nil }
            u = (log(x) - log(lo)) / (log(hi) - log(lo))
        case .reverseLog:
            let mirrored = hi + lo - x
            guard mirrored > 0 else { return nil }
            u = 1 - (log(mirrored) - log(lo)) / (log(hi) - log(lo))
        }
        return u.isFinite ? u : nil
    }

    static func warp(_ u: Double, lo: Double, hi: Double, scale: ScaleType) -> Double {
        guard hi > lo, u > 0 else { return lo }
        guard u < 1 else { return hi }
        switch scale {
        case .none, .linear:
            // hi − lo overflows for bounds beyond ±8.9e307: then mix the bounds instead.
            let x = (hi - lo).isFinite ? lo + u * (hi - lo) : (1 - u) * lo + u * hi
            return min(max(x, lo), hi)
        case .log:
            return min(max(exp(log(lo) + u * (log(hi) - log(lo))), lo), hi)
        case .reverseLog:
            let e = exp(log(lo) + (1 - u) * (log(hi) - log(lo)))
            let x = (hi + lo).isFinite ? hi + lo - e : hi - (e - lo)
            return min(max(x, lo), hi)
        }
    }

    static func unwarp(_ x: Double, lo: Double, hi: Double, scale: ScaleType) -> Double {
        guard hi > lo else { return 0.5 }
        let x = min(max(x, lo), hi)
        switch scale {
        case .none, .linear:
            guard (hi - lo).isFinite else { return (x / 2 - lo / 2) / (hi / 2 - lo / 2) }
            return (x - lo) / (hi - lo)
        case .log:
            return (log(x) - log(lo)) / (log(hi) - log(lo))
        case .reverseLog:
            let mirrored = (hi + lo).isFinite ? hi + lo - x : (hi - x) + lo
            return 1 - (log(mirrored) - log(lo)) / (log(hi) - log(lo))
        }
    }

    static func cell(_ u: Double, count: Int) -> Int {
        min(Int(u * Double(count)), count - 1)
    }

    static func centre(_ index: Int, count: Int) -> Double {
        (Double(index) + 0.5) / Double(count)
    }
}
