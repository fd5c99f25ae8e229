import Foundation

/// Expected improvement in log space (Ament et al., "Unexpected Improvements to Expected
/// Improvement", NeurIPS 2023, arXiv 2310.20708; Optuna `_gp/acqf.py: standard_logei`).
///
///     EI(x) = σ h(z),  z = (μ − f*)/σ,  h(z) = φ(z) + z Φ(z)
///     log EI = log σ + log h(z)
///
/// with f* the best *observed* standardized value (no ξ), and σ = √(max(var, 0) + 1e-12) — the
/// σ → 0 guard Optuna uses, so EI at an observed point is small but its log stays finite.
/// Far below the incumbent EI underflows to 0 in doubles, but log h does not: it is what keeps
/// gradients and roulette weights meaningful there.
enum LogEI {
    static let varianceGuard = 1e-12
    static let logSqrt2Pi = 0.5 * log(2 * Double.pi)

    /// log h(z) and g = d log h/dz = Φ(z)/h(z), plus 1 − z g computed without cancellation.
    ///
    /// - z ≥ −1: directly, h = φ(z) + z Φ(z) with Φ(z) = ½ erfc(−z/√2); for z > 0, 1 − z g = φ/h.
    /// - z < −1, t = −z: with the Mills ratio m(t) = Φ(−t)/φ(t) = 1/(t + 1/(t + 2/(t + 3/…)))
    ///   and C(t) = 1/(t + 2/(t + 3/(t + …))), m = 1/(t + C) and h(−t) = φ(t)(1 − t m) = φ(t) m C,
    ///   so log h = −t²/2 − log √(2π) + log m + log C and g = 1/C, with no cancellation and no
    ///   erfcx (which the `log_h` of Ament et al., NeurIPS 2023, uses). The continued fraction is evaluated backward; it converges slowest
    ///   near t = 1, where 400 terms reach ~1e-15.
    static func logH(_ z: Double) -> (logH: Double, slope: Double, oneMinusZSlope: Double) {
        if z >= -1 {
            let phi = exp(-0.5 * z * z - logSqrt2Pi)
            let cdf = 0.5 * erfc(-z / 2.0.squareRoot())
            let h = phi + z * cdf
            let g = cdf / h
            return (log(h), g, z > 0 ? phi / h : 1 - z * g)
        }
        let t = -z
        let (m, c) = millsRatio(t)
        let logH = -0.5 * t * t - logSqrt2Pi + log(m) + log(c)
        return (logH, 1 / c, 1 + t / c)
    }

    /// The Mills ratio m(t) = Φ(−t)/φ(t) for t > 1, and C(t) with m = 1/(t + C) (see `logH`).
    static func millsRatio(_ t: Double) -> (m: Double, c: Double) {
        let terms = t < 2 ? 400 : t < 4 ? 150 : t < 10 ? 60 : 30
        var tail = 0.0
        var k = terms
        while k >= 2 {
            tail = Double(k) / (t + tail)
            k -= 1
        }
        let c = 1 / (t + tail)  // C(t) = T₁
        return (1 / (t + c), c)
    }

    /// log Φ(z) and its slope φ(z)/Φ(z), without underflow far in the lower tail
    /// (Φ(−t) = φ(t) m(t) for t > 1).
    static func logCDF(_ z: Double) -> (value: Double, slope: Double) {
        if z >= -1 {
            let cdf = 0.5 * erfc(-z / 2.0.squareRoot())
            return (log(cdf), exp(-0.5 * z * z - logSqrt2Pi) / cdf)
        }
        let m = millsRatio(-z).m
        return (-0.5 * z * z - logSqrt2Pi + log(m), 1 / m)
    }

    /// log EI at a posterior (μ, var) against the incumbent f*.
    static func value(mean: Double, variance: Double, best: Double) -> Double {
        let sigma = (max(variance, 0) + varianceGuard).squareRoot()
        return log(sigma) + logH((mean - best) / sigma).logH
    }

    /// log EI and its gradient, from the posterior's: d logEI/dμ = g/σ, d logEI/dσ = (1 − z g)/σ,
    /// dσ = dvar / (2σ).
    static func valueAndGradient(
        mean: Double, variance: Double, best: Double,
        dMean: [Double], dVariance: [Double]
    ) -> (value: Double, gradient: [Double]) {
        let sigma = (max(variance, 0) + varianceGuard).squareRoot()
        let z = (mean - best) / sigma
        let h = logH(z)
        let byMean = h.slope / sigma
        let bySigma = h.oneMinusZSlope / sigma
        let sigmaScale = bySigma / (2 * sigma)
        var gradient = [Double](repeating: 0, count: dMean.count)
        for i in gradient.indices { gradient[i] = byMean * dMean[i] + sigmaScale * dVariance[i] }
        return (log(sigma) + h.logH, gradient)
    }
}
