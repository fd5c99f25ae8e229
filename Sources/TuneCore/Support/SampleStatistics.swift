import Foundation

/// Mean, spread and a confidence interval of a few noisy values (a configuration's repeats).
public struct SampleStatistics: Sendable, Equatable {
    public var count: Int
    public var mean: Double
    /// The sample standard deviation (n − 1); 0 for a single value.
    public var standardDeviation: Double

    public init?(_ values: [Double]) {
        let finite = values.filter(\.isFinite)
        guard !finite.isEmpty else { return nil }
        let mean = finite.reduce(0, +) / Double(finite.count)
        let squares = finite.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        self.count = finite.count
        self.mean = mean
        standardDeviation = finite.count > 1 ? (squares / Double(finite.count - 1)).squareRoot() : 0
    }

    /// Half the width of the two-sided `level` confidence interval of the mean (Student's t with
    /// n − 1 degrees of freedom); nil below two values.
    public func halfWidth(level: Double = 0.95) -> Double? {
        guard count > 1 else { return nil }
        return StudentT.quantile(0.5 + level / 2, degreesOfFreedom: Double(count - 1)) * standardDeviation / Double(count).squareRoot()
    }

    /// Welch's interval for `self.mean − other.mean` and its two-sided p-value; nil unless both
    /// have two values or more.
    public func difference(from other: SampleStatistics, level: Double = 0.95) -> (difference: Double, halfWidth: Double, pValue: Double)? {
        guard count > 1, other.count > 1 else { return nil }
        let a = standardDeviation * standardDeviation / Double(count)
        let b = other.standardDeviation * other.standardDeviation / Double(other.count)
        let difference = mean - other.mean
        let error = (a + b).squareRoot()
        guard error > 0 else { return (difference, 0, difference == 0 ? 1 : 0) }
        // Welch–Satterthwaite degrees of freedom.
        let df = (a + b) * (a + b) / (a * a / Double(count - 1) + b * b / Double(other.count - 1))
        let t = abs(difference) / error
        let p = 2 * (1 - StudentT.cdf(t, degreesOfFreedom: df))
        return (difference, StudentT.quantile(0.5 + level / 2, degreesOfFreedom: df) * error, min(1, max(0, p)))
    }
}

/// Student's t distribution: its CDF (through the regularized incomplete beta function) and quantiles (by bisection).
public enum StudentT {
    public static func cdf(_ t: Double, degreesOfFreedom df: Double) -> Double {
        guard t.isFinite else { return t > 0 ? 1 : 0 }
        let x = df / (df + t * t)
        let tail = 0.5 * IncompleteBeta.regularized(x, a: df / 2, b: 0.5)
        return t > 0 ? 1 - tail : tail
    }

    public static func quantile(_ p: Double, degreesOfFreedom df: Double) -> Double {
        guard p > 0, p < 1 else { return p <= 0 ? -.infinity : .infinity }
        if p < 0.5 { return -quantile(1 - p, degreesOfFreedom: df) }
        var (lo, hi) = (0.0, 1.0)
        while cdf(hi, degreesOfFreedom: df) < p && hi < 1e12 { hi *= 2 }
        for _ in 0..<200 {
            let mid = (lo + hi) / 2
            if cdf(mid, degreesOfFreedom: df) < p { lo = mid } else { hi = mid }
            if hi - lo < 1e-12 * max(1, hi) { break }
        }
        return (lo + hi) / 2
    }
}

/// I_x(a, b), the regularized incomplete beta function, by its continued fraction (Lentz's method).
enum IncompleteBeta {
    static func regularized(_ x: Double, a: Double, b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logGammas: Double = lgamma(a + b) - lgamma(a) - lgamma(b)
        let logPowers: Double = a * log(x) + b * log(1 - x)
        let logFront = logGammas + logPowers
        let front = exp(logFront)
        // The fraction converges fast for x below (a + 1) / (a + b + 2); use the symmetry otherwise.
        if x < (a + 1) / (a + b + 2) { return front * fraction(x, a: a, b: b) / a }
        return 1 - front * fraction(1 - x, a: b, b: a) / b
    }

    private static func fraction(_ x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var result = d
        for m in 1...300 {
            let m = Double(m)
            // Even step.
            var term = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
            d = 1 + term * d
            if abs(d) < tiny { d = tiny }
            c = 1 + term / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            result *= d * c
            // Odd step.
            term = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
            d = 1 + term * d
            if abs(d) < tiny { d = tiny }
            c = 1 + term / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let step = d * c
            result *= step
            if abs(step - 1) < 1e-15 { break }
        }
        return result
    }
}
