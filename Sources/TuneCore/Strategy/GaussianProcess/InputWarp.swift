import Foundation

/// A learned monotone warp of one ordinal input dimension: the Kumaraswamy CDF
///
///     w(x) = 1 − (1 − x̃ᵃ)ᵇ,   x̃ = ε + (1 − 2ε) x,   a, b > 0
///
/// (Snoek et al. 2014, "Input Warping for Bayesian Optimization of Non-stationary Functions", with
/// the Kumaraswamy CDF in place of the Beta CDF as BoTorch's `Warp` input transform and HEBO do).
/// a = b = 1 is the identity. a < 1 stretches the low end (a learning rate declared linear that
/// lives on a log scale: w ≈ 1 + a ln x); b < 1 stretches the high end (momentum on
/// [0.5, 0.9999] that lives on log(1 − m): w ≈ −b ln(1 − x)); a, b > 1 compress the ends. The
/// GP's kernel measures distances between warped coordinates; the acquisition still moves x in
/// the declared unit interval, so every proposal is a value the parameter can take.
///
/// x̃ keeps x a hair inside (0, 1) (BoTorch's normalization, ε = 1e-7), so w and its derivatives
/// stay finite at the bounds.
struct InputWarp: Sendable, Equatable {
    var a: Double
    var b: Double

    static let identity = InputWarp(a: 1, b: 1)
    static let epsilon = 1e-7

    /// log-normal prior on a and on b: median 1 (the identity), log-variance 0.75 (BoTorch's
    /// default for `Warp`'s concentrations): a warp that moves ln a or ln b by 1 costs 0.67 nats,
    /// by 2.3 (a = 0.1) 3.5 nats, so the data must ask for a strong warp before the fit takes it.
    static let priorLogVariance = 0.75

    @inline(__always)
    static func inner(_ x: Double) -> Double {
        epsilon + (1 - 2 * epsilon) * min(max(x, 0), 1)
    }

    /// w(x); beyond [0, 1] (an earlier job's trial outside a narrowed range), w at the bound
    /// plus the distance past it, so the point keeps its place beyond the bound.
    @inline(__always)
    func callAsFunction(_ x: Double) -> Double {
        let t = Self.inner(x)
        return 1 - pow(1 - pow(t, a), b) + Self.beyond(x)
    }

    /// How far x lies past the unit interval (negative below 0).
    @inline(__always)
    static func beyond(_ x: Double) -> Double {
        x < 0 ? x : x > 1 ? x - 1 : 0
    }

    /// w(x), dw/dx, dw/d(ln a), dw/d(ln b).
    ///
    ///     u = x̃ᵃ, v = 1 − u:   dw/dx̃ = a b x̃ᵃ⁻¹ vᵇ⁻¹,   dw/d ln a = a b vᵇ⁻¹ u ln x̃,   dw/d ln b = −b vᵇ ln v
    @inline(__always)
    func withDerivatives(_ x: Double) -> (value: Double, dx: Double, dLogA: Double, dLogB: Double) {
        let t = Self.inner(x)
        let lnT = log(t)
        let u = exp(a * lnT)
        let v = 1 - u
        let lnV = log1p(-u)
        let vb = exp(b * lnV)
        let vbm1 = vb / v
        let outside = x < 0 || x > 1
        let dx = outside ? 1 : a * b * (u / t) * vbm1 * (1 - 2 * Self.epsilon)
        return (1 - vb + Self.beyond(x), dx, a * b * vbm1 * u * lnT, -b * vb * lnV)
    }

    /// The x whose warped value is w (w⁻¹, clamped to [0, 1]).
    func inverse(_ w: Double) -> Double {
        let w = min(max(w, 0), 1)
        let t = pow(1 - pow(1 - w, 1 / b), 1 / a)
        return min(max((t - Self.epsilon) / (1 - 2 * Self.epsilon), 0), 1)
    }

    /// The warp's log prior (constants dropped) and its gradient in (ln a, ln b).
    var logPrior: (value: Double, dLogA: Double, dLogB: Double) {
        let la = log(a)
        let lb = log(b)
        let v = Self.priorLogVariance
        return (-(la * la + lb * lb) / (2 * v), -la / v, -lb / v)
    }
}
